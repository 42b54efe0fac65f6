// What every output parser shares: a line splitter that copes with chunks cut anywhere, and
// the report a parser builds. Pure.

export interface AgentReport {
  /** The agent's final message; undefined when the CLI never produced one. */
  finalMessage?: string;
  costUsd?: number;
  tokens?: { input: number; output: number };
  turns?: number;
  sessionId?: string;
  /** The model the CLI says it used. */
  model?: string;
  /** The CLI reported failure in its output (whatever its exit code). */
  isError?: boolean;
  /** The CLI's own words about the failure, when it gave any. */
  errorMessage?: string;
}

export interface OutputParser {
  /** Feeds output as it arrives; chunks may end mid-line. */
  push(chunk: string): void;
  /** Flushes a last unterminated line and returns what was learnt. */
  end(): AgentReport;
}

/** Calls `onLine` with each complete line, without its \n or \r\n. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = '';
  const emit = (line: string) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  return {
    push(chunk) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      for (const p of parts) emit(p);
    },
    end() {
      if (rest) emit(rest);
      rest = '';
    },
  };
}

type Json = Record<string, unknown>;

/** The line as a JSON object, or undefined for noise (banners, warnings, blank lines). */
export function jsonLine(line: string): Json | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

export const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One line of at most `max` characters, for the step log. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Token counts, when at least one side was reported. */
export function tokens(input: number | undefined, output: number | undefined): AgentReport['tokens'] {
  return input === undefined && output === undefined ? undefined : { input: input ?? 0, output: output ?? 0 };
}
