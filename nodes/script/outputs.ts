// How a script hands back outputs, besides its exit code and output:
//   1. a line on stdout:  ::set-output {"url": "https://…", "count": 3}
//      (a JSON object, alone on its line; later lines win key by key);
//   2. a JSON object written to the file named by $SWITCHYARD_OUTPUTS, read after exit.
// Pure, so it can be tested without a process.
import path from 'node:path';

export const OUTPUT_MARKER = '::set-output ';

export interface ParsedOutputs {
  outputs: Record<string, unknown>;
  /** One message per malformed marker line. */
  errors: string[];
}

export function parseOutputMarkers(stdout: string): ParsedOutputs {
  const outputs: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith(OUTPUT_MARKER)) continue;
    const parsed = parseObject(line.slice(OUTPUT_MARKER.length));
    if (typeof parsed === 'string') errors.push(`${parsed}: ${line.length > 120 ? `${line.slice(0, 120)}…` : line}`);
    else Object.assign(outputs, parsed);
  }
  return { outputs, errors };
}

/** The object, or why it is not one. */
export function parseObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  return value as Record<string, unknown>;
}

/** The last `max` characters, cut at a line start when one is near. */
export function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(-max);
  const nl = cut.indexOf('\n');
  return nl >= 0 && nl < 200 ? cut.slice(nl + 1) : cut;
}

export function lastLine(text: string): string | undefined {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
}

/**
 * `cwd` resolved inside the workspace, or undefined when it would leave it. Absolute paths are
 * refused too: a workflow's steps share their run's workspace and nothing else, so a path that
 * works on one server does not silently mean something else on another.
 */
export function workspacePath(workspace: string, cwd: string | undefined): string | undefined {
  if (cwd === undefined) return workspace;
  if (path.isAbsolute(cwd)) return undefined;
  const full = path.resolve(workspace, cwd);
  const rel = path.relative(workspace, full);
  const leaves = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return leaves ? undefined : full;
}
