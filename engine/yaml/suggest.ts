// "Did you mean …?" for misspelt keys and values.

/** Names people bring from other workflow tools, mapped to ours. */
const ALIASES: Record<string, string> = {
  depends_on: 'needs', dependson: 'needs', depends: 'needs', after: 'needs',
  when: 'if', condition: 'if',
  config: 'with', params: 'with', parameters: 'with', args: 'with',
  retries: 'retry', timeout_minutes: 'timeout', onfailure: 'on_failure', on_error: 'on_failure',
};

const normal = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');

/** The candidate `word` most likely meant, or undefined when none is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const alias = ALIASES[word.toLowerCase()] ?? ALIASES[normal(word)];
  if (alias && candidates.includes(alias)) return alias;
  const same = candidates.find((c) => normal(c) === normal(word));
  if (same) return same;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) { best = candidate; bestDistance = d; }
  }
  return bestDistance <= 2 && bestDistance < word.length / 2 ? best : undefined;
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment). */
export function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length);
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = d;
    }
  }
  return at(a.length, b.length);
}
