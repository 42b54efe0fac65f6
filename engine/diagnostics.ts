// A diagnostic is one problem found in a workflow: by the YAML parser, the schema, the graph
// checks or the expression checker. Everything that reads a workflow returns all of them at
// once, each saying what is wrong, where, and how to fix it.

export type Severity = 'error' | 'warning' | 'info';

/** Where in the document: keys and array indexes from the root, e.g. ['steps', 2, 'with', 'url']. */
export type DocPath = (string | number)[];

export interface Diagnostic {
  severity: Severity;
  /** Stable, documented in docs/format.md; tools and tests match on it. */
  code: string;
  /** What is wrong, in one sentence. */
  message: string;
  /** How to fix it. */
  hint?: string;
  path: DocPath;
  /** 1-based, when the workflow came from YAML text. */
  line?: number;
  column?: number;
  /** The step the problem belongs to, when there is one. */
  stepId?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** "steps[2].with.url" — how paths read in messages. */
export function formatPath(path: DocPath): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '');
}

/** Compiler style: "file:line:col: error CODE message (hint)". */
export function formatDiagnostic(d: Diagnostic, file = '<input>'): string {
  const where = d.line ? `${file}:${d.line}:${d.column ?? 1}` : file;
  const at = d.path.length ? ` at ${formatPath(d.path)}` : '';
  return `${where}: ${d.severity} ${d.code} ${d.message}${at}${d.hint ? ` (${d.hint})` : ''}`;
}

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0) || a.code.localeCompare(b.code));
}
