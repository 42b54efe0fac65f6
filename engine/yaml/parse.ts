// Workflow text → Workflow, with every problem as a located diagnostic. Never throws.
// Order matters: cheap limits first (size, then depth while lexing), then YAML-level checks
// on the composed document, and only then a JavaScript value and the schema.
import { Composer, visit, type Document, type LineCounter } from 'yaml';
import { sortDiagnostics, type Diagnostic, type DocPath } from '../diagnostics.ts';
import { workflowSchema, type Workflow } from '../format/schema.ts';
import { documentDiagnostics, parserDiagnostics } from './checks.ts';
import { attachNotes } from './comments.ts';
import { issueDiagnostics } from './issues.ts';
import { formatBytes, resolveLimits, utf8LengthUpTo, type YamlLimits } from './limits.ts';
import { locateIn, locateNearest, positionAt, type LocatePart, type Position } from './locate.ts';
import { readTokens } from './tokens.ts';

export interface ParseResult {
  /** Present when there are no errors (warnings may remain). */
  workflow?: Workflow;
  diagnostics: Diagnostic[];
  /** 1-based position of the value (or, with 'key', the key) at `path`; undefined if absent. */
  locate(path: DocPath, part?: LocatePart): Position | undefined;
}

export type ParseOptions = Partial<YamlLimits>;

// Plain YAML 1.2 core, nothing else: a `%YAML 1.1` directive does not bring back 1.1's
// schema (explicit options win over the directive's defaults), merge keys stay off, and
// every explicit tag is an error (documentDiagnostics). Positions come from our own
// LineCounter: the Composer alone does not apply `prettyErrors`, and we want one-line
// messages with line and column rather than a code frame anyway.
const COMPOSE_OPTIONS = {
  schema: 'core',
  merge: false,
  resolveKnownTags: false,
  customTags: null,
  stringKeys: true,
  uniqueKeys: false, // checked in linear time by documentDiagnostics
  strict: true,
  intAsBigInt: false,
  logLevel: 'silent',
} as const;

const EMPTY_HINT = 'a workflow needs at least apiVersion, id, name and steps';

export function parseWorkflowYaml(input: string, opts: ParseOptions = {}): ParseResult {
  try {
    return parseChecked(input, opts);
  } catch (error) {
    // Nothing above is expected to throw; if the yaml package ever does, the caller still
    // gets a diagnostic rather than an exception from a user's file.
    return { diagnostics: [unreadable(error)], locate: () => undefined };
  }
}

function unreadable(error: unknown): Diagnostic {
  return { severity: 'error', code: 'YAML_SYNTAX', message: `the file could not be read: ${error instanceof Error ? error.message : String(error)}`, path: [] };
}

function parseChecked(input: string, opts: ParseOptions): ParseResult {
  const limits = resolveLimits(opts);
  const nowhere: ParseResult['locate'] = () => undefined;
  const fail = (diagnostics: Diagnostic[], locate = nowhere): ParseResult => ({ diagnostics: sortDiagnostics(diagnostics), locate });

  if (utf8LengthUpTo(input, limits.maxBytes) === undefined) {
    return fail([{ severity: 'error', code: 'YAML_TOO_LARGE', message: `the file is larger than ${formatBytes(limits.maxBytes)}`, hint: 'workflow files are small; move large data out of the file', path: [] }]);
  }
  // Editors hide the BOM, so columns are counted without it.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;

  const read = readTokens(text, limits.maxDepth);
  if (read.tooDeepAt !== undefined) {
    return fail([{ severity: 'error', code: 'YAML_TOO_DEEP', message: `the file nests lists and mappings more than ${limits.maxDepth} levels deep`, hint: 'flatten the data', path: [], ...positionAt(read.lineCounter, read.tooDeepAt) }]);
  }

  const docs = Array.from(new Composer(COMPOSE_OPTIONS).compose(read.tokens, true, text.length));
  const [doc, second] = docs;
  if (!doc || doc.contents === null) {
    return fail([{ severity: 'error', code: 'YAML_EMPTY', message: `the file is empty: ${EMPTY_HINT}`, hint: `start with apiVersion: switchyard/v1`, path: [], line: 1, column: 1 }]);
  }
  const locate = (path: DocPath, part: LocatePart = 'value') => locateIn(doc, read.lineCounter, path, part);
  if (second) {
    return fail([{ severity: 'error', code: 'YAML_MULTIPLE_DOCUMENTS', message: 'the file holds more than one YAML document; a workflow file holds exactly one', hint: 'remove the "---" line and what follows, or split it into separate files', path: [], ...positionAt(read.lineCounter, second.range[0]) }], locate);
  }

  const yamlDiagnostics = [...parserDiagnostics(doc, read.lineCounter), ...documentDiagnostics(doc, read.lineCounter, text)];
  if (yamlDiagnostics.some((d) => d.severity === 'error')) return fail(yamlDiagnostics, locate);

  const data = toData(doc, limits.maxAliases, read.lineCounter);
  if ('diagnostic' in data) return fail([...yamlDiagnostics, data.diagnostic], locate);
  attachNotes(doc, data.value, { text, lineCounter: read.lineCounter, commentOffsets: read.commentOffsets });

  const result = workflowSchema.safeParse(data.value);
  if (result.success) return { workflow: result.data, diagnostics: sortDiagnostics(yamlDiagnostics), locate };
  const schemaDiagnostics = issueDiagnostics(result.error.issues, data.value, (path, part) => locateNearest(doc, read.lineCounter, path, part));
  return fail([...yamlDiagnostics, ...schemaDiagnostics], locate);
}

function toData(doc: Document, maxAliases: number, lineCounter: LineCounter): { value: unknown } | { diagnostic: Diagnostic } {
  try {
    return { value: doc.toJS({ maxAliasCount: maxAliases }) };
  } catch (error) {
    // The yaml package throws a ReferenceError once aliases expand past maxAliasCount.
    if (!(error instanceof ReferenceError)) return { diagnostic: unreadable(error) };
    const offset = firstAliasOffset(doc);
    return {
      diagnostic: {
        severity: 'error',
        code: 'YAML_ALIAS_LIMIT',
        message: 'aliases (*name) expand to more data than a workflow may hold',
        hint: `a file may expand aliases about ${maxAliases} times in all (an alias of data holding aliases counts for each); write the values out instead`,
        path: [],
        ...(offset === undefined ? {} : positionAt(lineCounter, offset)),
      },
    };
  }
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, { Alias(_key, node) { offset = node.range?.[0]; return visit.BREAK; } });
  return offset;
}
