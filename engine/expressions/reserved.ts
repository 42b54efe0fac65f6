// `loop` is a root (loop.item, loop.index) but also a CEL reserved word, which cel-js refuses
// as an identifier. We therefore rewrite the identifier `loop` to a same-length alias before
// parsing — same length, so every offset in the AST and in errors still matches the user's
// source — and map the alias back everywhere a name is shown. Field names (`x.loop`) and string
// contents are left alone. A user who literally types the alias gets "unknown identifier".
// The same name-restoring applies to MATCHES_FUNCTION, the stand-in for `matches`.

import { skipString } from './lexing.ts';

/** Roots that are CEL reserved words → same-length aliases. */
const ALIASES: ReadonlyMap<string, string> = new Map([['loop', '__lp']]);
const ORIGINALS: ReadonlyMap<string, string> = new Map([...ALIASES].map(([name, alias]) => [alias, name]));

/** CEL reserved words (cel-js lib/globals.js); other roots may not use them. */
export const CEL_RESERVED: ReadonlySet<string> = new Set([
  'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package',
  'namespace', 'return', 'var', 'void', 'while', '__proto__', 'prototype',
  'true', 'false', 'null', 'in',
]);

export function hasAlias(root: string): boolean {
  return ALIASES.has(root);
}

/** The identifier cel-js sees for a root. */
export function celName(root: string): string {
  return ALIASES.get(root) ?? root;
}

/** The user's name for the identifier at `start` (an alias only counts if the user wrote the original). */
export function userName(celId: string, source: string, start: number): string {
  const original = ORIGINALS.get(celId);
  return original !== undefined && source.startsWith(original, start) ? original : celId;
}

/** What `s.matches(p)` calls are renamed to in compiled ASTs: our linear-time matcher (./regex.ts). */
export const MATCHES_FUNCTION = '__sy_matches';

/** Internal function names that stand in for user-visible ones. */
const FUNCTION_ALIASES: ReadonlyMap<string, string> = new Map([[MATCHES_FUNCTION, 'matches']]);

/** Replaces aliases in a cel-js message with the names the user wrote. */
export function restoreNames(message: string): string {
  let out = message;
  for (const [alias, name] of [...ORIGINALS, ...FUNCTION_ALIASES]) out = out.replace(new RegExp(`\\b${alias}\\b`, 'g'), name);
  return out;
}

/**
 * Rewrites identifier tokens named like an aliased root (not field names, strings or comments).
 * Done whether or not the root is allowed here, so a disallowed `loop` is reported as an unknown
 * identifier with the valid roots, not as a reserved word.
 */
export function rewriteReservedRoots(source: string): string {
  const names = [...ALIASES.keys()];
  if (!names.some((n) => source.includes(n))) return source;
  let out = '';
  let i = 0;
  let prevSignificant = '';
  while (i < source.length) {
    const c = source[i]!;
    if (c === '"' || c === "'") {
      const end = skipString(source, i);
      const stop = end === -1 ? source.length : end;
      out += source.slice(i, stop);
      i = stop;
      prevSignificant = c;
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      const nl = source.indexOf('\n', i);
      const stop = nl === -1 ? source.length : nl;
      out += source.slice(i, stop);
      i = stop;
      continue;
    }
    if (/[A-Za-z0-9_]/.test(c)) {
      let j = i + 1;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j]!)) j++;
      const word = source.slice(i, j);
      out += names.includes(word) && prevSignificant !== '.' ? celName(word) : word;
      i = j;
      prevSignificant = word;
      continue;
    }
    out += c;
    if (!/\s/.test(c)) prevSignificant = c;
    i++;
  }
  return out;
}
