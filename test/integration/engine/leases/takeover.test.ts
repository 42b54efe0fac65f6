// Leases across processes on both databases: lease decisions are the database's, whatever a
// process's own clock says; control requests survive the loss of a run's lease; a run queued
// for a process with room is cancelled at once.
//
// Clock skew is simulated by moving this process's Date (vitest fake timers, Date only): on
// PostgreSQL the database's clock stays where it is; on SQLite claims are judged by SQLite's
// own clock (the machine's), which Date does not move either.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../../helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../helpers/server.ts';
import { testRegistry } from '../../../helpers/test-nodes.ts';
import { testRunners, type Ledger } from '../../../helpers/test-runners.ts';
import { waitFor } from '../../../helpers/wait.ts';

const HOLD = `apiVersion: switchyard/v1
id: hold
name: hold
steps:
  - { id: hold, type: wait }
  - { id: done, type: echo, needs: [hold] }
`;

const HOUR = 60 * 60 * 1000;

/** Moves this process's clock by `ms` (Date only; timers stay real and time keeps moving). */
function skewClock(ms: number): void {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(Date.now() + ms);
}

describe.each(databaseKinds)('leases and takeovers on %s', (kind) => {
  let database: TestDatabase;
  let a: TestServer;
  const ledger: Ledger = { entries: [] };
  const gates = new Map<string, () => void>();
  const others: TestServer[] = [];
  const holding = (runId: string) => gates.has(`${runId}:hold`);
  const release = (runId: string) => { const fn = gates.get(`${runId}:hold`)!; gates.delete(`${runId}:hold`); fn(); };
  const row = (runId: string) => a.app.context.db.run.findUniqueOrThrow({ where: { id: runId } });
  const until = (runId: string, wanted: string) => waitFor(async () => (await row(runId)).status === wanted, { what: `run ${runId} to be ${wanted}`, timeoutMs: 15_000 });
  const journalTypes = async (runId: string) => (await a.app.context.journal.read(runId)).map((e) => e.type);

  beforeAll(async () => {
    database = await freshDatabase(kind);
    // One run at a time, and a lease long enough that its heartbeat never runs during a test:
    // what happens to a run is what the test makes happen.
    a = await startTestServer(kind, { database, registry: testRegistry(), runners: testRunners(ledger, gates), leaseMs: 60_000, env: { MAX_ACTIVE_RUNS: '1' } });
    await a.app.context.workflows.import(HOLD);
    await a.app.context.versions.publish('hold');
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const s of others.splice(0)) await s.stop();
  });
  afterAll(async () => { await a?.stop(); await database?.drop(); });

  it('starts and runs runs from a process whose clock is behind the database\'s', async () => {
    skewClock(-HOUR);
    const { runId } = await a.app.context.runs.start({ workflowId: 'hold' });
    await waitFor(() => holding(runId), { what: 'the run to hold' });
    release(runId);
    await until(runId, 'completed');
    vi.useRealTimers();
    expect(await journalTypes(runId)).toContain('run.completed');
  });

  it('does not let a process whose clock is ahead take over a run another process holds', async () => {
    const { runId } = await a.app.context.runs.start({ workflowId: 'hold' });
    await waitFor(() => holding(runId), { what: 'the run to hold' });
    const b = await startTestServer(kind, { database, registry: testRegistry(), runners: testRunners(), leaseMs: 2000 });
    others.push(b);
    skewClock(HOUR);
    expect(await b.app.context.runs.adopt(runId)).toBe(false);
    vi.useRealTimers();
    expect((await row(runId)).leaseOwner).toBe(a.app.context.runs.owner);
    expect(a.app.context.runs.isActive(runId)).toBe(true);
    release(runId);
    await until(runId, 'completed');
  });

  it('lets go of a pending run whose creator died, judging its lease by the database\'s clock, not a process\'s', async () => {
    const db = a.app.context.db;
    const { id: versionId } = await db.workflowVersion.findFirstOrThrow({ where: { workflowId: 'hold' }, select: { id: true } });
    const base = { workflowId: 'hold', versionId, concurrencyKey: `abandoned-${kind}` };
    // The group's one slot is taken for a day by a run held elsewhere, so nothing here is admitted.
    const rows = [
      { number: 9001, status: 'running', leaseOwner: 'elsewhere', leaseUntil: new Date(Date.now() + 24 * HOUR) },
      { number: 9002, status: 'pending', leaseOwner: 'creator-alive', leaseUntil: new Date(Date.now() + 60_000) },
      { number: 9003, status: 'pending', leaseOwner: 'creator-dead', leaseUntil: new Date(Date.now() - 60_000) },
    ];
    const ids: string[] = [];
    for (const r of rows) ids.push((await db.run.create({ data: { ...base, ...r }, select: { id: true } })).id);
    const [, alive, dead] = ids as [string, string, string];
    try {
      skewClock(HOUR);
      await waitFor(async () => (await row(dead)).leaseOwner === null, { what: 'the dead creator\'s run to be let go of' });
      vi.useRealTimers();
      expect((await row(alive)).leaseOwner).toBe('creator-alive');
    } finally {
      vi.useRealTimers();
      await db.run.deleteMany({ where: { id: { in: ids } } });
    }
  });

  /**
   * The run's lease lapses without its holder noticing (a stall; its heartbeat is a minute
   * away), and another process leaves a control request for it, as controlRun does for a run
   * held elsewhere. The holder polls it, but its append is refused: the request must stay for
   * whoever takes the run over (here the same process, once it has dropped the run and has
   * room again) and be applied there.
   */
  async function lapseAndCommand(type: 'pause' | 'cancel'): Promise<string> {
    const { runId } = await a.app.context.runs.start({ workflowId: 'hold' });
    await waitFor(() => holding(runId), { what: 'the run to hold' });
    await a.app.context.db.run.update({ where: { id: runId }, data: { leaseUntil: new Date(Date.now() - 60_000) } });
    await a.app.context.db.runCommand.create({ data: { runId, type, payload: { by: 'bob' } } });
    return runId;
  }

  it('applies a control request left for a process that lost the run in the process that takes it over', async () => {
    const runId = await lapseAndCommand('pause');
    await until(runId, 'paused');
    expect((await journalTypes(runId)).filter((t) => t === 'run.paused')).toHaveLength(1);
    await waitFor(async () => (await a.app.context.db.runCommand.count({ where: { runId } })) === 0, { what: 'the command to be deleted' });
    // Taken over: the in-flight step runs again (attempt 2), and the run goes on when resumed.
    await waitFor(() => ledger.entries.some((e) => e.runId === runId && e.step === 'hold' && e.attempt === 2), { what: 'the step to run again' });
    await waitFor(() => holding(runId), { what: 'the run to hold again' });
    await a.app.context.runs.resume(runId, 'bob');
    release(runId);
    await until(runId, 'completed');
  });

  it('applies a cancel waiting when a run is taken over before its in-flight steps start again', async () => {
    const runId = await lapseAndCommand('cancel');
    await until(runId, 'cancelled');
    // hold (in flight) and done (never reached) are cancelled; nothing started again.
    expect(await journalTypes(runId)).toEqual(['run.created', 'run.started', 'step.started', 'run.cancel_requested', 'step.cancelled', 'step.cancelled', 'run.cancelled']);
    expect(ledger.entries.filter((e) => e.runId === runId).map((e) => e.attempt)).toEqual([1]);
    await waitFor(async () => (await a.app.context.db.runCommand.count({ where: { runId } })) === 0, { what: 'the command to be deleted' });
  });

  /** Fills a's only slot with a held run, then starts one more: it waits queued, nobody holds it. */
  async function queuedBehindAnother(): Promise<{ first: string; queued: string }> {
    const { runId: first } = await a.app.context.runs.start({ workflowId: 'hold' });
    await waitFor(() => holding(first), { what: 'the first run to hold' });
    const { runId: queued } = await a.app.context.runs.start({ workflowId: 'hold' });
    const r = await row(queued);
    expect([r.status, r.leaseOwner]).toEqual(['queued', null]);
    return { first, queued };
  }

  async function expectCancelledUnstarted(first: string, queued: string): Promise<void> {
    expect(await journalTypes(queued)).toEqual(['run.created', 'run.cancel_requested', 'run.cancelled']);
    // The stored command is deleted once applied, just after the cancel is journaled.
    await waitFor(async () => (await a.app.context.db.runCommand.count({ where: { runId: queued } })) === 0, { what: 'the applied cancel to be deleted' });
    release(first);
    await until(first, 'completed');
    expect(ledger.entries.filter((e) => e.runId === queued)).toEqual([]);
  }

  it('cancels a run queued beyond MAX_ACTIVE_RUNS at once, without waiting for a slot', async () => {
    const { first, queued } = await queuedBehindAnother();
    await a.app.context.runs.cancel(queued, 'alice', 'not needed');
    expect((await row(queued)).status).toBe('cancelled');
    await expectCancelledUnstarted(first, queued);
  });

  it('applies a cancel stored for a queued run (its creator held it when the cancel came) without waiting for a slot', async () => {
    const { first, queued } = await queuedBehindAnother();
    await a.app.context.db.runCommand.create({ data: { runId: queued, type: 'cancel', payload: { by: 'alice' } } });
    await until(queued, 'cancelled');
    expect(holding(first)).toBe(true);
    await expectCancelledUnstarted(first, queued);
  });
});
