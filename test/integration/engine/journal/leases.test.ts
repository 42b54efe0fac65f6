// Leases and fencing on both databases: a writer that no longer holds the run's lease has
// its commit refused and writes nothing; claim() takes only free or expired leases; renew()
// reports what was lost; release() comes after the writer's pending appends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError, type JournalStore, type JournalWrite } from '../../../../server/engine/journal-store.ts';
import { databaseKinds } from '../../../helpers/databases.ts';
import { openFixture, sleep, type Fixture } from './fixture.ts';

const SHORT = 300; // ms; tests wait SHORT + margin for a lease to expire
const LONG = 60_000;
let statusCounter = 0;
type ClaimOpts = { statuses: string[]; limit: number; leaseMs: number };

describe.each(databaseKinds)('journal store leases on %s', (kind) => {
  let fx: Fixture;
  let store: JournalStore;
  beforeAll(async () => {
    fx = await openFixture(kind);
    store = await fx.store();
  });
  afterAll(async () => { await fx?.close(); });

  /** Runs in a status of their own, so each test claims only its runs; `claimable` asks for them. */
  async function fresh(count: number): Promise<{ runs: [string, ...string[]]; claimable: (limit: number, leaseMs?: number) => ClaimOpts }> {
    const status = `queued-${++statusCounter}`;
    const runs = await fx.runs(count, status) as [string, ...string[]];
    return { runs, claimable: (limit, leaseMs = LONG) => ({ statuses: [status], limit, leaseMs }) };
  }

  const ev = (runId: string, owner: string, type = 'e', extra: Partial<JournalWrite> = {}): JournalWrite =>
    ({ runId, owner, events: [{ type, payload: {} }], ...extra });

  const runRow = (runId: string) => fx.db.run.findUniqueOrThrow({ where: { id: runId } });

  /** Nothing of a refused write may land: no event, no change to the run row (lastSeq and
   *  status included), no step row. */
  async function expectUntouched(runId: string, before: Awaited<ReturnType<typeof runRow>>, events: number): Promise<void> {
    expect(await runRow(runId)).toEqual(before);
    expect(before.status).toBe(`queued-${statusCounter}`);
    expect(await fx.db.runEvent.count({ where: { runId } })).toBe(events);
    expect(await fx.db.runStep.count({ where: { runId } })).toBe(0);
  }

  it('refuses the commit of a writer whose lease expired, writing nothing', async () => {
    const { claimable } = await fresh(1);
    const [run] = await store.claim('stalled', claimable(1, SHORT)) as [string];
    await store.append(ev(run, 'stalled'));
    const before = await runRow(run);
    await sleep(SHORT + 200);
    const late = store.append(ev(run, 'stalled', 'late', { run: { status: 'running' }, steps: [{ stepId: 's', iteration: '', status: 'running' }] }));
    await expect(late).rejects.toBeInstanceOf(LeaseLostError);
    await expect(store.append(ev(run, 'stalled', 'late-event-only'))).rejects.toBeInstanceOf(LeaseLostError);
    await expectUntouched(run, before, 1);
  });

  it('refuses a writer once another owner claimed the run; the new owner numbers on', async () => {
    const { claimable } = await fresh(1);
    const [run] = await store.claim('old', claimable(1, SHORT)) as [string];
    await store.append(ev(run, 'old'));
    await sleep(SHORT + 200);
    expect(await store.claim('new', claimable(5))).toEqual([run]);
    await expect(store.append(ev(run, 'old', 'late'))).rejects.toThrow(LeaseLostError);
    expect((await store.append(ev(run, 'new', 'mine')))[0]!.seq).toBe(2);
    expect((await store.read(run)).map((e) => e.type)).toEqual(['e', 'mine']);
  });

  it('in a group-committed batch, fails the fenced-out writes and commits the rest', async () => {
    const { runs, claimable } = await fresh(3);
    const [a, b, c] = runs as [string, string, string];
    expect((await store.claim('me', claimable(3))).sort()).toEqual([a, b, c].sort());
    // Made in one tick, so committed as one batch; one run written by two owners in it.
    const settled = await Promise.allSettled([
      store.append(ev(a, 'me', 'a1', { steps: [{ stepId: 's', iteration: '', status: 'running' }] })),
      store.append(ev(b, 'intruder', 'b-intruder', { run: { status: 'hijacked' }, steps: [{ stepId: 's', iteration: '', status: 'x' }] })),
      store.append(ev(b, 'me', 'b1')),
      store.append(ev(c, 'intruder', 'c-intruder')),
      store.append(ev(a, 'me', 'a2')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    for (const i of [1, 3]) expect((settled[i] as PromiseRejectedResult).reason).toBeInstanceOf(LeaseLostError);
    expect((await store.read(a)).map((e) => [e.seq, e.type])).toEqual([[1, 'a1'], [2, 'a2']]);
    expect((await store.read(b)).map((e) => [e.seq, e.type])).toEqual([[1, 'b1']]);
    expect(await store.read(c)).toEqual([]);
    expect((await fx.db.run.findUniqueOrThrow({ where: { id: b } })).status).toBe(`queued-${statusCounter}`);
    expect(await fx.db.runStep.count({ where: { runId: b } })).toBe(0);
  });

  it('claim skips runs leased by others until the lease expires, then takes them', async () => {
    const { runs, claimable } = await fresh(3);
    await fx.runs(1, 'completed'); // not in the requested statuses: never claimed
    const both = (limit: number, leaseMs?: number) => ({ ...claimable(limit, leaseMs), statuses: [...claimable(0).statuses, 'completed-not-asked'] });
    expect(await store.claim('a', claimable(2, SHORT))).toEqual(runs.slice(0, 2)); // oldest first
    expect(await store.claim('b', both(5))).toEqual(runs.slice(2));
    expect(await store.claim('b', both(5))).toEqual([]);
    await sleep(SHORT + 200);
    expect((await store.claim('b', both(5))).sort()).toEqual(runs.slice(0, 2).sort());
    const rows = await fx.db.run.findMany({ where: { id: { in: runs } } });
    expect(rows.map((r) => r.leaseOwner)).toEqual(['b', 'b', 'b']);
  });

  it('claim by run ids takes only those runs, judged by the database clock; with own, re-times this owner\'s lease', async () => {
    const { runs, claimable } = await fresh(3);
    const [x, y, z] = runs as [string, string, string];
    expect(await store.claim('ids', { ...claimable(5), runIds: [y, 'no-such-run'] })).toEqual([y]);
    expect(await store.claim('other', { ...claimable(5), runIds: [y, z] })).toEqual([z]); // y is held
    // A lease written by a clock far ahead (an hour) is still a live lease: nobody takes it...
    await fx.db.run.update({ where: { id: x }, data: { leaseOwner: 'ahead', leaseUntil: new Date(Date.now() + 3_600_000) } });
    expect(await store.claim('other', { ...claimable(5), runIds: [x] })).toEqual([]);
    // ...but its owner re-times it by the database's clock.
    expect(await store.claim('ahead', { ...claimable(5), runIds: [x], own: true })).toEqual([x]);
    const until = (await fx.db.run.findUniqueOrThrow({ where: { id: x } })).leaseUntil!.getTime();
    expect(until).toBeLessThan(Date.now() + LONG + 5_000);
    expect(until).toBeGreaterThan(Date.now() + LONG - 5_000);
  });

  it('renew extends held leases and reports the lost ones', async () => {
    const { runs, claimable } = await fresh(3);
    const [kept, lost, expired] = runs as [string, string, string];
    expect(await store.claim('r', claimable(3, SHORT))).toEqual([kept, lost, expired]);
    const before = (await fx.db.run.findUniqueOrThrow({ where: { id: kept } })).leaseUntil!;
    expect(await store.renew('r', [kept, lost], LONG)).toEqual([]);
    expect((await fx.db.run.findUniqueOrThrow({ where: { id: kept } })).leaseUntil!.getTime()).toBeGreaterThan(before.getTime() + LONG / 2);
    await fx.db.run.update({ where: { id: lost }, data: { leaseOwner: 'thief' } }); // claimed elsewhere
    await sleep(SHORT + 200); // `expired` lapses: lost even though nobody took it
    expect((await store.renew('r', [kept, lost, expired, 'no-such-run'], LONG)).sort()).toEqual([lost, expired, 'no-such-run'].sort());
    await store.append(ev(kept, 'r'));
    await expect(store.append(ev(expired, 'r'))).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('release gives the lease up after the pending appends, then refuses further ones', async () => {
    const { runs, claimable } = await fresh(1);
    const [run] = runs as [string];
    expect(await store.claim('rel', claimable(1))).toEqual([run]);
    const pending = store.append(ev(run, 'rel', 'before-release'));
    await store.release('rel', run);
    expect((await pending)[0]!.seq).toBe(1);
    await expect(store.append(ev(run, 'rel', 'after'))).rejects.toBeInstanceOf(LeaseLostError);
    await store.release('someone-else', run); // not the holder: no effect, no error
    expect(await store.claim('next', claimable(1))).toEqual([run]);
    expect((await fx.db.run.findUniqueOrThrow({ where: { id: run } })).leaseOwner).toBe('next');
  });

  it('close waits for pending appends', async () => {
    const { runs, claimable } = await fresh(1);
    const [run] = runs as [string];
    const own = await fx.store();
    expect(await own.claim('closer', claimable(1))).toEqual([run]);
    const pending = Promise.all([own.append(ev(run, 'closer')), own.append(ev(run, 'closer'))]);
    await own.close();
    expect((await pending).flat().map((e) => e.seq)).toEqual([1, 2]);
    await expect(own.append(ev(run, 'closer'))).rejects.toThrow(/closed/);
  });
});
