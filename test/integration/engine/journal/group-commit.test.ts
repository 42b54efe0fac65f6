// The batching under the journal store, without a database: which writes share a commit.
import { describe, expect, it } from 'vitest';
import { GroupCommit, type Pending } from '../../../../server/engine/group-commit.ts';
import { sleep } from './fixture.ts';

/** A committer that records its batches and answers each item with itself, after `delayMs`. */
function recorder(delayMs = 0, opts = { maxBatch: 1000, maxWaitMs: 0 }) {
  const batches: number[][] = [];
  const gc = new GroupCommit<number, number>(async (batch: Pending<number, number>[]) => {
    batches.push(batch.map((p) => p.item));
    if (delayMs) await sleep(delayMs);
    for (const p of batch) {
      if (p.item < 0) p.reject(new Error(`refused ${p.item}`));
      else p.resolve(p.item);
    }
  }, opts);
  return { gc, batches };
}

describe('group commit', () => {
  it('commits the writes of one tick together, in submission order', async () => {
    const { gc, batches } = recorder();
    expect(await Promise.all([1, 2, 3].map((i) => gc.submit(i)))).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('collects writes made while a batch is in flight into the next one', async () => {
    const { gc, batches } = recorder(20);
    const first = gc.submit(1);
    await sleep(5); // the first batch is in flight now
    const rest = [2, 3, 4].map((i) => gc.submit(i));
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('lets writers woken by a commit join the next batch together (lockstep writers)', async () => {
    const { gc, batches } = recorder(1);
    await Promise.all(Array.from({ length: 10 }, async (_, w) => {
      for (let i = 0; i < 5; i++) await gc.submit(w * 100 + i);
    }));
    expect(batches).toHaveLength(5);
    expect(batches.every((b) => b.length === 10)).toBe(true);
  });

  it('splits at maxBatch and waits up to maxWaitMs for company', async () => {
    const { gc, batches } = recorder(0, { maxBatch: 2, maxWaitMs: 0 });
    await Promise.all([1, 2, 3, 4, 5].map((i) => gc.submit(i)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);

    const waiting = recorder(0, { maxBatch: 100, maxWaitMs: 30 });
    const a = waiting.gc.submit(1);
    await sleep(5); // a later tick, within the window
    await Promise.all([a, waiting.gc.submit(2)]);
    expect(waiting.batches).toEqual([[1, 2]]);
  });

  it('settles each write on its own, and rejects a whole batch whose committer failed', async () => {
    const { gc } = recorder();
    const settled = await Promise.allSettled([gc.submit(1), gc.submit(-2), gc.submit(3)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    const failing = new GroupCommit<number, number>(() => { throw new Error('disk on fire'); }, { maxBatch: 10, maxWaitMs: 0 });
    const all = await Promise.allSettled([failing.submit(1), failing.submit(2)]);
    expect(all.map((s) => s.status === 'rejected' && String(s.reason))).toEqual(['Error: disk on fire', 'Error: disk on fire']);
    await expect(failing.submit(3)).rejects.toThrow('disk on fire'); // not stuck: the next batch is tried
  });

  it('lets the event loop run while a writer appends in a loop to a synchronous committer', async () => {
    const gc = new GroupCommit<number, number>((batch) => { for (const p of batch) p.resolve(p.item); }, { maxBatch: 10, maxWaitMs: 0 });
    let ioRan = false;
    setImmediate(() => { ioRan = true; });
    let i = 0;
    while (!ioRan && i < 10_000) await gc.submit(i++);
    expect(ioRan).toBe(true);
    expect(i).toBeLessThan(1000);
  });

  it('drain waits for everything submitted so far', async () => {
    const { gc } = recorder(10);
    let done = 0;
    for (let i = 0; i < 3; i++) void gc.submit(i).then(() => { done++; });
    await gc.drain();
    expect(done).toBe(3);
    await gc.drain(); // idle: resolves at once
  });
});
