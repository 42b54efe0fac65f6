// Durations in workflow files are strings such as "500ms", "30s", "10m", "1h30m" or "7d":
// readable in YAML diffs and unambiguous (a bare number would need a unit convention).
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+)(ms|s|m|h|d)/g;
export const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h|d))+$/;

/** Milliseconds in a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(PART)) total += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}

/** The shortest canonical spelling: 5400000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size) { out += `${Math.floor(rest / size)}${unit}`; rest %= size; }
  }
  return out;
}

export const durationSchema = z
  .string()
  .regex(DURATION_PATTERN, 'must be a duration such as "30s", "10m", "1h30m" or "7d" (units: ms, s, m, h, d)')
  .meta({ description: 'A duration: digits followed by a unit (ms, s, m, h, d), repeated, e.g. "1h30m".', examples: ['30s', '10m', '1h30m'] });
