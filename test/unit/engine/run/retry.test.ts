import { expect, it } from 'vitest';
import { retryDelayMs } from '../../../../engine/run/retry.ts';

it('fixed backoff waits the initial delay between attempts and stops after the last', () => {
  const retry = { attempts: 3, backoff: 'fixed' as const, initial: '2s' };
  expect([1, 2, 3].map((a) => retryDelayMs(retry, a))).toEqual([2000, 2000, undefined]);
});

it('exponential backoff doubles up to the cap', () => {
  const retry = { attempts: 6, backoff: 'exponential' as const, initial: '1s', max: '5s' };
  expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(retry, a))).toEqual([1000, 2000, 4000, 5000, 5000]);
});

it('jitter spreads delays by ±20%', () => {
  const retry = { attempts: 2, initial: '10s', jitter: true };
  expect(retryDelayMs(retry, 1, () => 0)).toBe(8000);
  expect(retryDelayMs(retry, 1, () => 1)).toBe(12000);
});

it('no retry policy means no retry', () => {
  expect(retryDelayMs(undefined, 1)).toBeUndefined();
});
