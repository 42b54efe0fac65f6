import { afterEach, describe, expect, it, vi } from 'vitest';
import { timeOrderedIds } from '../../../../server/engine/row-ids.ts';

describe('timeOrderedIds', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('sort in the order they were made, within a millisecond and across milliseconds', () => {
    const next = timeOrderedIds();
    const ids = Array.from({ length: 5000 }, next);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never go backwards when the clock steps back', () => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
    const next = timeOrderedIds();
    const first = next();
    vi.setSystemTime(1_700_000_000_000);
    expect(next() > first).toBe(true);
  });

  it('differ between two generators (two processes) made in the same millisecond', () => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
    expect(timeOrderedIds()()).not.toBe(timeOrderedIds()());
  });

  it('look like the cuid ids Prisma writes: lower-case base 36, fixed length', () => {
    expect(timeOrderedIds()()).toMatch(/^c[0-9a-z]{20}$/);
  });
});
