// Masking secret values wherever they would leave the server: step logs, journal events,
// step outputs. Exact occurrences are replaced by "***" — the raw value and its JSON-escaped
// form (how it appears inside an event's JSON). Values shorter than MIN_MASKED are left
// alone: masking "a" or "42" would shred every log while protecting nothing.
//
// Streams (a step's stdout) arrive in chunks cut anywhere, so a value can be split across two
// of them. A stream masker holds back the end of what it has seen for as long as that end
// could be the beginning of a value, and releases it with the next chunk or at the end.
export const MIN_MASKED = 4;
export const MASK = '***';

export interface Masker {
  /** True when there is nothing to mask: callers may skip the work. */
  readonly empty: boolean;
  mask(text: string): string;
  stream(): StreamMasker;
}

export interface StreamMasker {
  /** Masked text that is safe to emit now; part of the chunk may be held back. */
  write(chunk: string): string;
  /** Whatever was held back, masked. */
  end(): string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createMasker(values: Iterable<string>): Masker {
  const needles = new Set<string>();
  for (const v of values) {
    if (v.length < MIN_MASKED) continue;
    needles.add(v);
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped !== v) needles.add(escaped);
  }
  // Longest first, so a value containing another is masked whole.
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  const pattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
  const longest = sorted[0]?.length ?? 0;
  const mask = (text: string) => (pattern && text.length >= MIN_MASKED ? text.replace(pattern, MASK) : text);

  /** Length of the longest end of `text` that is the start of some value. */
  function pendingTail(text: string): number {
    for (let n = Math.min(longest - 1, text.length); n > 0; n--) {
      const tail = text.slice(text.length - n);
      if (sorted.some((v) => v.startsWith(tail))) return n;
    }
    return 0;
  }

  return {
    empty: !pattern,
    mask,
    stream() {
      let held = '';
      return {
        write(chunk) {
          if (!pattern) return chunk;
          const text = held + chunk;
          // Cut before what could still become a value, and before any value the cut would
          // split; mask what precedes the cut, keep the rest raw for the next chunk.
          let cut = text.length - pendingTail(text);
          for (const m of text.matchAll(pattern)) {
            if (m.index < cut && m.index + m[0].length > cut) { cut = m.index; break; }
          }
          held = text.slice(cut);
          return mask(text.slice(0, cut));
        },
        end() {
          const rest = mask(held);
          held = '';
          return rest;
        },
      };
    },
  };
}

/** A JSON-able value with every string masked (keys included). */
export function maskValue<T>(masker: Masker, value: T): T {
  if (masker.empty || value === undefined) return value;
  const json = JSON.stringify(value);
  const masked = masker.mask(json);
  return masked === json ? value : (JSON.parse(masked) as T);
}
