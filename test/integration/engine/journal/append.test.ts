// The journal store's write path on both databases: dense numbering under concurrency,
// atomicity of events with the row changes they describe, reading back from a sequence
// number, and rows that Prisma Client reads exactly as they were appended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError, type AppendedEvent, type JournalStore, type JournalWrite } from '../../../../server/engine/journal-store.ts';
import { databaseKinds } from '../../../helpers/databases.ts';
import { openFixture, richPayload, type Fixture } from './fixture.ts';

const OWNER = 'worker-a';
const LONG = 60_000;

describe.each(databaseKinds)('journal store append on %s', (kind) => {
  let fx: Fixture;
  let store: JournalStore;
  beforeAll(async () => {
    fx = await openFixture(kind);
    store = await fx.store();
  });
  afterAll(async () => { await fx?.close(); });

  /** Fresh runs leased to OWNER. */
  async function leased(count: number): Promise<string[]> {
    const ids = await fx.runs(count);
    const claimed = await store.claim(OWNER, { statuses: ['queued'], limit: count, leaseMs: LONG });
    expect(claimed.sort()).toEqual([...ids].sort());
    return ids;
  }

  const ev = (runId: string, type: string, payload: unknown = {}, extra: Partial<JournalWrite> = {}): JournalWrite =>
    ({ runId, owner: OWNER, events: [{ type, payload }], ...extra });

  it('leaves Run.lastSeq exact once the holder lets go of the run', async () => {
    const [run] = await leased(1) as [string];
    for (let i = 0; i < 3; i++) await store.append(ev(run, 'e'));
    await store.release(OWNER, run);
    const row = await fx.db.run.update({ where: { id: run }, data: { status: 'done' } }); // not claimable by later tests
    expect([row.lastSeq, row.leaseOwner]).toEqual([3, null]);
  });

  it('numbers 50 concurrent appends to one run densely, each append contiguous', async () => {
    const [run] = await leased(1) as [string];
    // 1 to 3 events per append: numbering must stay dense across multi-event appends.
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append({
      runId: run, owner: OWNER, events: Array.from({ length: 1 + (i % 3) }, (_, j) => ({ type: 'e', payload: { i, j } })),
    })));
    for (const r of results) r.forEach((e, j) => expect(e.seq).toBe(r[0]!.seq + j));
    const seqs = results.flat().map((e) => e.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    // Run.lastSeq may lag while the run is held (SQLite numbers from the journal); a write
    // that changes the run row brings it up to date.
    await store.append({ runId: run, owner: OWNER, events: [{ type: 'done', payload: {} }], run: { status: 'done' } });
    expect((await fx.db.run.findUniqueOrThrow({ where: { id: run } })).lastSeq).toBe(seqs.length + 1);
    // Appends made together are numbered in call order.
    expect(results.map((r) => r[0]!.seq)).toEqual([...results.map((r) => r[0]!.seq)].sort((a, b) => a - b));
  });

  it('numbers concurrent appends across 20 runs densely per run, and across two connections', async () => {
    const runs = await leased(20);
    const other = await fx.store(); // a second connection / pool, as another process would have
    const writes = runs.flatMap((runId) => Array.from({ length: 10 }, (_, i) => ({ runId, i })));
    const results = await Promise.all(writes.map(({ runId, i }) => (i % 2 ? other : store).append(ev(runId, 'e', { i }))));
    for (const runId of runs) {
      const seqs = results.flat().filter((e) => e.runId === runId).map((e) => e.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      expect((await store.read(runId)).map((e) => e.seq)).toEqual(seqs);
    }
  });

  it('writes no event when the step row change violates a constraint', async () => {
    const [run] = await leased(1) as [string];
    await store.append(ev(run, 'run.started', {}, { run: { status: 'running' } }));
    const bad = ev(run, 'step.started', {}, { steps: [{ stepId: 'a', iteration: '', status: null as unknown as string }] });
    await expect(store.append(bad)).rejects.toThrow(/null|NOT NULL/i);
    await expect(store.append(ev(run, 'run.failed', {}, { run: { status: null as unknown as string } }))).rejects.toThrow(/null|NOT NULL/i);
    expect(await store.read(run)).toHaveLength(1);
    const row = await fx.db.run.findUniqueOrThrow({ where: { id: run } });
    expect([row.lastSeq, row.status]).toEqual([1, 'running']);
    expect(await fx.db.runStep.count({ where: { runId: run } })).toBe(0);
    // The run goes on numbering from where it stood.
    expect((await store.append(ev(run, 'step.started')))[0]!.seq).toBe(2);
  });

  it('fails only the faulty write of a group-committed batch', async () => {
    const [a, b, c] = await leased(3) as [string, string, string];
    const bad = ev(b, 'step.started', {}, { steps: [{ stepId: 's', iteration: '', status: null as unknown as string }] });
    const settled = await Promise.allSettled([
      store.append(ev(a, 'one', {}, { run: { status: 'running', outputs: { n: 1 } }, steps: [{ stepId: 's', iteration: '', status: 'running' }] })),
      store.append(ev(b, 'good-before')),
      store.append(bad),
      store.append(ev(b, 'good-after')),
      store.append(ev(c, 'three')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((await store.read(b)).map((e) => [e.seq, e.type])).toEqual([[1, 'good-before'], [2, 'good-after']]);
    expect((await fx.db.runStep.findMany({ where: { runId: { in: [a, b] } } })).map((s) => s.runId)).toEqual([a]);
    expect(await fx.db.run.findUniqueOrThrow({ where: { id: a } })).toMatchObject({ status: 'running', outputs: { n: 1 }, lastSeq: 1 });
  });

  it('applies the run and step changes of many runs committed together, later changes winning', async () => {
    const runs = await leased(5);
    const t0 = new Date('2026-05-06T07:08:09.010Z');
    await Promise.all(runs.flatMap((runId, i) => [
      store.append(ev(runId, 'step.started', {}, { run: { status: 'running', startedAt: t0 }, steps: [{ stepId: 's', iteration: '', status: 'running', attempt: 1, input: { i } }] })),
      store.append(ev(runId, 'step.completed', null, { run: { outputs: { i } }, steps: [{ stepId: 's', iteration: '', status: 'completed', output: [i] }] })),
    ]));
    for (const [i, runId] of runs.entries()) {
      expect(await fx.db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'running', startedAt: t0, outputs: { i }, lastSeq: 2 });
      expect(await fx.db.runStep.findFirstOrThrow({ where: { runId } })).toMatchObject({ status: 'completed', attempt: 1, input: { i }, output: [i] });
      expect((await store.read(runId)).map((e) => e.payload)).toEqual([{}, null]);
    }
  });

  it('read(afterSeq) returns exactly the missing events, in order, limit respected', async () => {
    const [run] = await leased(1) as [string];
    for (let i = 1; i <= 12; i++) await store.append(ev(run, `e${i}`, { i }));
    expect((await store.read(run, 7)).map((e) => e.seq)).toEqual([8, 9, 10, 11, 12]);
    expect((await store.read(run, 3, 4)).map((e) => e.type)).toEqual(['e4', 'e5', 'e6', 'e7']);
    expect(await store.read(run, 12)).toEqual([]);
    expect(await store.read('no-such-run')).toEqual([]);
  });

  it('rebuilds: the events read back equal the events appended', async () => {
    const [run] = await leased(1) as [string];
    const payloads: unknown[] = [richPayload, [1, 'two', { three: 3 }], 'text', 42, -0.5, true, null, {}, [], { s: '"{}[]' }];
    const appended: AppendedEvent[] = [];
    // Sequential appends and a group-committed burst, multi-event writes among them.
    for (const p of payloads.slice(0, 4)) appended.push(...await store.append(ev(run, 'seq', p)));
    const burst = await Promise.all(payloads.slice(4).map((p, i) => store.append({ runId: run, owner: OWNER, events: [{ type: 'burst', payload: p }, { type: `burst+${i}`, payload: { i } }] })));
    appended.push(...burst.flat());
    const read = await store.read(run);
    expect(read).toEqual(appended.sort((x, y) => x.seq - y.seq));
    expect(read.map((e) => e.seq)).toEqual(read.map((_, i) => i + 1));
  });

  it('writes rows that Prisma Client reads back exactly: dates, Json, nulls', async () => {
    const [run] = await leased(1) as [string];
    const t0 = new Date('2026-03-04T05:06:07.089Z');
    const t1 = new Date('2026-03-04T05:16:07.001Z');
    const [first] = await store.append({
      runId: run, owner: OWNER, events: [{ type: 'step.started', payload: richPayload }],
      run: { status: 'running', startedAt: t0 },
      steps: [{ stepId: 'build', iteration: '2/0', status: 'running', attempt: 1, input: { args: ['a', 1] }, startedAt: t0 }],
    });
    await store.append({
      runId: run, owner: OWNER, events: [{ type: 'step.completed', payload: 'done' }, { type: 'run.completed', payload: null }],
      run: { status: 'completed', outputs: { result: [1, 2, { x: 'ü' }] }, error: null, finishedAt: t1 },
      // undefined leaves a field alone, null clears it.
      steps: [{ stepId: 'build', iteration: '2/0', status: 'completed', output: 'str output', error: null, finishedAt: t1 }],
    });
    const events = await fx.db.runEvent.findMany({ where: { runId: run }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.seq, e.type, e.payload])).toEqual([[1, 'step.started', richPayload], [2, 'step.completed', 'done'], [3, 'run.completed', null]]);
    expect(events[0]!.createdAt).toEqual(first!.at);
    expect(Math.abs(first!.at.getTime() - Date.now())).toBeLessThan(60_000);
    const row = await fx.db.run.findUniqueOrThrow({ where: { id: run } });
    expect(row).toMatchObject({ status: 'completed', outputs: { result: [1, 2, { x: 'ü' }] }, error: null, lastSeq: 3, startedAt: t0, finishedAt: t1, leaseOwner: OWNER });
    expect(row.leaseUntil!.getTime()).toBeGreaterThan(Date.now() + LONG / 2);
    const step = await fx.db.runStep.findUniqueOrThrow({ where: { runId_stepId_iteration: { runId: run, stepId: 'build', iteration: '2/0' } } });
    expect(step).toMatchObject({ status: 'completed', attempt: 1, input: { args: ['a', 1] }, output: 'str output', error: null, startedAt: t0, finishedAt: t1 });
    // And the store reads what Prisma writes.
    await fx.db.runEvent.create({ data: { runId: run, seq: 4, type: 'by-prisma', payload: { p: true } } });
    expect((await store.read(run, 3)).map((e) => [e.type, e.payload])).toEqual([['by-prisma', { p: true }]]);
  });

  it('refuses an append with no events, and a payload JSON cannot hold, without affecting others', async () => {
    const [run] = await leased(1) as [string];
    await expect(store.append({ runId: run, owner: OWNER, events: [] })).rejects.toThrow(/at least one event/);
    const results = await Promise.allSettled([store.append(ev(run, 'ok')), store.append(ev(run, 'bigint', { n: 1n }))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((await store.read(run)).map((e) => e.type)).toEqual(['ok']);
  });

  it('refuses appends to a run that does not exist', async () => {
    await expect(store.append(ev('no-such-run', 'x'))).rejects.toBeInstanceOf(LeaseLostError);
  });
});
