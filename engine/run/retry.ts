// Retry timing. `attempts` counts the first try; the delay before attempt n + 1 is
//   fixed:        initial
//   exponential:  initial × 2^(n − 1), capped at max
// with ±20% jitter when asked, so that many runs failing together do not retry in lockstep.
import { parseDuration } from '../format/duration.ts';
import type { Retry } from '../format/schema.ts';

const DEFAULT_INITIAL_MS = 1000;
const DEFAULT_MAX_MS = 5 * 60_000;

/** Milliseconds to wait after failed attempt `attempt` (1-based), or undefined when none is left. */
export function retryDelayMs(retry: Retry | undefined, attempt: number, random: () => number = Math.random): number | undefined {
  if (!retry || attempt >= retry.attempts) return undefined;
  const initial = parseDuration(retry.initial ?? '') ?? DEFAULT_INITIAL_MS;
  const max = parseDuration(retry.max ?? '') ?? Math.max(DEFAULT_MAX_MS, initial);
  const base = retry.backoff === 'exponential' ? Math.min(max, initial * 2 ** (attempt - 1)) : initial;
  if (!retry.jitter) return base;
  return Math.max(0, Math.round(base * (0.8 + 0.4 * random())));
}
