// Splits cli: custom's `command` into argv the way a POSIX shell splits words — '…' literal,
// "…" with \" \\ \$ \` escapes, \x outside quotes — and nothing more. No shell ever runs it, so
// characters a shell would act on ($ ` | & ; < > ( ) and globs) are refused unquoted rather than
// passed on silently as text the author expected to be expanded. A shell, when wanted, is
// explicit: `bash -c '…'`, with the prompt still on standard input.

const SPECIAL = new Set(['$', '`', '|', '&', ';', '<', '>', '(', ')', '*', '?', '[', ']', '{', '}']);
/** Special only where a word starts (a comment, the home directory). */
const SPECIAL_AT_START = new Set(['~', '#']);
const DOUBLE_QUOTE_ESCAPES = new Set(['"', '\\', '$', '`']);

/** The words, or why the command cannot be split. */
export function splitCommand(command: string): string[] | string {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (s: string) => { word = (word ?? '') + s; };
  while (i < command.length) {
    const c = command[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return 'a single quote is not closed';
      add(command.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= command.length) return 'a double quote is not closed';
        const d = command[i]!;
        if (d === '"') break;
        if (d === '\\' && DOUBLE_QUOTE_ESCAPES.has(command[i + 1] ?? '')) { s += command[i + 1]; i += 2; continue; }
        if (d === '$' || d === '`') return `"${d}" inside double quotes would be expanded by a shell, but no shell runs this command; escape it (\\${d}) or use single quotes`;
        s += d;
        i++;
      }
      add(s);
      i++;
    } else if (c === '\\') {
      if (i + 1 >= command.length) return 'the command ends with a lone backslash';
      add(command[i + 1]!);
      i += 2;
    } else if (SPECIAL.has(c) || (word === undefined && SPECIAL_AT_START.has(c))) {
      return `"${c}" would mean something to a shell, but no shell runs this command; quote it, or run a shell explicitly (bash -c '…')`;
    } else {
      add(c);
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  if (words.length === 0) return 'the command is empty';
  return words;
}
