// From a finished CLI's output to the step's outputs. Pure.
import { claudeParser } from './parse-claude.ts';
import { codexParser } from './parse-codex.ts';
import { geminiParser } from './parse-gemini.ts';
import { lineSplitter, type AgentReport, type OutputParser } from './lines.ts';
import type { AgentConfig } from './argv.ts';

export type { AgentReport } from './lines.ts';

/** cli: custom prints its message as plain text. */
function textParser(): OutputParser {
  let text = '';
  return { push(chunk) { text += chunk; }, end: () => ({ finalMessage: text.trim() }) };
}

export function outputParser(cli: AgentConfig['cli'], note?: (line: string) => void): OutputParser {
  if (cli === 'claude') return claudeParser(note);
  if (cli === 'codex') return codexParser(note);
  if (cli === 'gemini') return geminiParser(note);
  return textParser();
}

/** The whole output at once (tests, and callers that have it all). */
export function parseOutput(cli: AgentConfig['cli'], stdout: string, note?: (line: string) => void): AgentReport {
  const p = outputParser(cli, note);
  p.push(stdout);
  return p.end();
}

/**
 * output: json — the message as JSON: the whole message, else the last ```json (or bare ```)
 * fenced block in it, else the text from its first { or [ to the matching last } or ]: agents
 * wrap answers in prose despite being asked not to. A string says why none of that parsed.
 */
export function parseJsonMessage(message: string): { value: unknown } | string {
  const attempts: string[] = [message.trim()];
  const fences = [...message.matchAll(/```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)```/g)];
  if (fences.length) attempts.push(fences.at(-1)![1]!.trim());
  for (const [open, close] of [['{', '}'], ['[', ']']] as const) {
    const start = message.indexOf(open);
    const end = message.lastIndexOf(close);
    if (start >= 0 && end > start) attempts.push(message.slice(start, end + 1));
  }
  for (const text of attempts) {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      // try the next reading
    }
  }
  const shown = message.length > 200 ? `${message.slice(0, 200)}…` : message;
  return message.trim() ? `the agent's final message is not JSON (nor holds a \`\`\`json block): ${JSON.stringify(shown)}` : "the agent's final message is empty";
}

/** The message's first non-empty line, at most 120 characters. */
export function summaryLine(message: string): string {
  const first = message.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
  return first.length > 120 ? `${first.slice(0, 119)}…` : first;
}

/** The last line of text that is not a JSON event: where a CLI puts its complaint. */
export function lastTextLine(text: string): string | undefined {
  let last: string | undefined;
  const s = lineSplitter((line) => {
    const t = line.trim();
    if (t && !t.startsWith('{')) last = t;
  });
  s.push(text);
  s.end();
  return last;
}
