// Several stores on one database, as several processes would have: racing claims never
// lease one run twice. On SQLite, the store shares the file with Prisma's connection: it
// waits for a Prisma transaction's write lock without blocking the event loop.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalStore } from '../../../../server/engine/journal-store.ts';
import { databaseKinds } from '../../../helpers/databases.ts';
import { openFixture, sleep, type Fixture } from './fixture.ts';

describe.each(databaseKinds)('journal stores racing on %s', (kind) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await openFixture(kind); });
  afterAll(async () => { await fx?.close(); });

  it('two stores (two pools) racing claim() never both get the same run', async () => {
    const runs = await fx.runs(60, 'race');
    const stores = [await fx.store({ poolSize: 3 }), await fx.store({ poolSize: 3 })];
    const won: string[][] = [[], []];
    // Each store fires several claims at once, round after round, until nothing is left.
    for (let round = 0; round < 50 && won.flat().length < runs.length; round++) {
      await Promise.all(stores.flatMap((s, i) => Array.from({ length: 3 }, async () => {
        won[i]!.push(...await s.claim(`store-${i}`, { statuses: ['race'], limit: 4, leaseMs: 60_000 }));
      })));
    }
    const all = won.flat();
    expect(new Set(all).size).toBe(all.length); // no run claimed twice
    expect([...all].sort()).toEqual([...runs].sort());
    const rows = await fx.db.run.findMany({ where: { id: { in: runs } } });
    for (const r of rows) expect(won[r.leaseOwner === 'store-0' ? 0 : 1]).toContain(r.id);
  });

  it('two stores appending to one run share one dense numbering', async () => {
    const [run] = await fx.runs(1, 'shared') as [string];
    const [a, b] = [await fx.store(), await fx.store()] as [JournalStore, JournalStore];
    await a.claim('same-owner', { statuses: ['shared'], limit: 1, leaseMs: 60_000 });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append({ runId: run, owner: 'same-owner', events: [{ type: 'e', payload: { i } }] })));
    expect(results.flat().map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('numbers densely while another process appends to the same run', async () => {
    const [run] = await fx.runs(1, 'two-processes') as [string];
    const store = await fx.store();
    await store.claim('shared', { statuses: ['two-processes'], limit: 1, leaseMs: 60_000 });
    const worker = promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'append-worker.ts'), JSON.stringify(fx.config), run, 'shared', '150']);
    const mine: number[] = [];
    // Keep appending while the other process works, so the two really overlap — but bounded:
    // SQLite's write lock is not fair, and on a loaded machine a tight loop here could starve
    // the other process indefinitely (one process per SQLite file is the supported setup).
    let workerDone = false;
    void worker.finally(() => { workerDone = true; });
    while ((!workerDone && mine.length < 3000) || mine.length < 50) mine.push(...(await store.append({ runId: run, owner: 'shared', events: [{ type: 'from-test', payload: {} }] })).map((e) => e.seq));
    const theirs = JSON.parse((await worker).stdout) as number[];
    expect(theirs).toHaveLength(150);
    const all = [...mine, ...theirs].sort((a, b) => a - b);
    expect(all).toEqual(all.map((_, i) => i + 1));
    expect((await store.read(run)).map((e) => e.seq)).toEqual(all);
  });
});

describe('journal store beside Prisma on one SQLite file', () => {
  let fx: Fixture;
  let run: string;
  beforeAll(async () => { fx = await openFixture('sqlite'); });
  afterAll(async () => { await fx?.close(); });

  async function leasedStore(busyTimeoutMs?: number): Promise<JournalStore> {
    const store = await fx.store({ busyTimeoutMs });
    [run] = await fx.runs(1, `busy-${busyTimeoutMs}`) as [string];
    expect(await store.claim('w', { statuses: [`busy-${busyTimeoutMs}`], limit: 1, leaseMs: 60_000 })).toEqual([run]);
    return store;
  }

  it('waits for a Prisma transaction holding the write lock, without blocking the event loop', async () => {
    const store = await leasedStore();
    let appended: Promise<unknown> | undefined;
    let done = false;
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 5);
    try {
      await fx.db.$transaction(async (tx) => {
        await tx.workflow.create({ data: { name: 'holds the write lock' } });
        appended = store.append({ runId: run, owner: 'w', events: [{ type: 'e', payload: {} }] }).then((r) => { done = true; return r; });
        await sleep(150);
        expect(done).toBe(false);
      });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(5); // timers kept firing while the append waited
    await appended;
    expect(done).toBe(true);
    expect((await store.read(run)).map((e) => e.seq)).toEqual([1]);
  });

  it('gives up after busyTimeoutMs, writing nothing', async () => {
    const store = await leasedStore(100);
    let appended: Promise<unknown> | undefined;
    await fx.db.$transaction(async (tx) => {
      await tx.workflow.create({ data: { name: 'holds the write lock' } });
      appended = store.append({ runId: run, owner: 'w', events: [{ type: 'e', payload: {} }] });
      await appended.catch(() => undefined);
    });
    await expect(appended).rejects.toThrow(/locked/);
    expect(await store.read(run)).toEqual([]);
    expect((await store.append({ runId: run, owner: 'w', events: [{ type: 'e', payload: {} }] }))[0]!.seq).toBe(1);
  });
});
