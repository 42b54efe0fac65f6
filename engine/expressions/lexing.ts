// Minimal CEL lexing shared by the template scanner and the reserved-word rewrite: enough to
// know where string literals start and end, nothing more (cel-js does the real parsing).

/** True when the quote at `at` opens a raw string (r"…" / R'…'): backslashes are literal. */
export function isRawString(text: string, at: number): boolean {
  const prefix = text[at - 1];
  return (prefix === 'r' || prefix === 'R') && !/[A-Za-z0-9_]/.test(text[at - 2] ?? '');
}

/**
 * Index just past the string literal whose opening quote is at `at` (single or triple quoted),
 * or -1 when it is not terminated. CEL forbids raw newlines in single-quoted strings.
 */
export function skipString(text: string, at: number): number {
  const q = text[at]!;
  const raw = isRawString(text, at);
  const triple = text.startsWith(q.repeat(3), at);
  let i = at + (triple ? 3 : 1);
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && !raw) {
      i += 2;
      continue;
    }
    if (triple) {
      if (text.startsWith(q.repeat(3), i)) return i + 3;
    } else {
      if (c === q) return i + 1;
      if (c === '\n' || c === '\r') return -1;
    }
    i++;
  }
  return -1;
}
