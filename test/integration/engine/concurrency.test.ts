// Concurrency on both databases, with two server processes' worth of engines on one database:
// concurrency groups (queue in order, a limit above one, cancel_in_progress, cancelling a run
// that waits), the per-process cap on active runs, and control requests that reach the
// process executing the run.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { testRegistry } from '../../helpers/test-nodes.ts';
import { testRunners, type Ledger } from '../../helpers/test-runners.ts';
import { waitFor } from '../../helpers/wait.ts';

const grouped = (id: string, concurrency: string) => `apiVersion: switchyard/v1
id: ${id}
name: ${id}
inputs:
  env: { type: string, default: prod }
concurrency: ${concurrency}
steps:
  - { id: hold, type: wait }
  - { id: done, type: echo, needs: [hold] }
`;

const WORKFLOWS = [
  grouped('deploy', '{ group: "deploy-${{ inputs.env }}" }'),
  grouped('pair', '{ group: pair, limit: 2 }'),
  grouped('latest', '{ group: latest, mode: cancel_in_progress }'),
  'apiVersion: switchyard/v1\nid: plain\nname: plain\nsteps:\n  - { id: hold, type: wait }\n  - { id: gate, type: gate, needs: [hold], with: { message: ok?, approvers: ["role:runner"], timeout: 1h } }\n',
];

describe.each(databaseKinds)('concurrency on %s', (kind) => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  const ledger: Ledger = { entries: [] };
  const gatesA = new Map<string, () => void>();
  const gatesB = new Map<string, () => void>();
  const holding = (runId: string) => gatesA.has(`${runId}:hold`) || gatesB.has(`${runId}:hold`);
  const release = (runId: string) => {
    const key = `${runId}:hold`;
    const fn = gatesA.get(key) ?? gatesB.get(key);
    gatesA.delete(key);
    gatesB.delete(key);
    fn!();
  };
  const status = async (runId: string) => (await a.app.context.db.run.findUniqueOrThrow({ where: { id: runId } })).status;
  const until = (runId: string, wanted: string) => waitFor(async () => (await status(runId)) === wanted, { what: `run ${runId} to be ${wanted}`, timeoutMs: 15_000 });

  beforeAll(async () => {
    database = await freshDatabase(kind);
    a = await startTestServer(kind, { database, registry: testRegistry(), runners: testRunners(ledger, gatesA), leaseMs: 2000 });
    b = await startTestServer(kind, { database, registry: testRegistry(), runners: testRunners(ledger, gatesB), leaseMs: 2000, env: { MAX_ACTIVE_RUNS: '1' } });
    for (const yaml of WORKFLOWS) {
      const imported = await a.app.context.workflows.import(yaml);
      expect(imported).toMatchObject({ ok: true });
      await a.app.context.versions.publish(yaml.match(/^id: (\S+)$/m)![1]!);
    }
  });
  afterAll(async () => { await a?.stop(); await b?.stop(); await database?.drop(); });

  it('queues a limit-1 group: one run at a time, in the order they were started; other keys run freely', async () => {
    const runs = a.app.context.runs;
    const prod: string[] = [];
    for (let i = 0; i < 3; i++) prod.push((await runs.start({ workflowId: 'deploy', inputs: { env: 'prod' } })).runId);
    const dev = (await runs.start({ workflowId: 'deploy', inputs: { env: 'dev' } })).runId;
    await waitFor(() => holding(prod[0]!) && holding(dev), { what: 'the first prod run and the dev run to hold' });
    expect(await status(prod[1]!)).toBe('pending');
    expect(await status(prod[2]!)).toBe('pending');
    const row = await a.app.context.db.run.findUniqueOrThrow({ where: { id: prod[0]! } });
    expect(row.concurrencyKey).toBe('deploy-prod');
    release(dev);
    for (let i = 0; i < 3; i++) {
      await waitFor(() => holding(prod[i]!), { what: `prod run ${i} to hold`, timeoutMs: 15_000 });
      // Exactly one prod run holds at any time.
      expect(prod.filter(holding)).toEqual([prod[i]]);
      release(prod[i]!);
      await until(prod[i]!, 'completed');
    }
  });

  it('lets a limit-2 group run two at once', async () => {
    const runs = a.app.context.runs;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await runs.start({ workflowId: 'pair' })).runId);
    await waitFor(() => holding(ids[0]!) && holding(ids[1]!), { what: 'two runs to hold' });
    expect(await status(ids[2]!)).toBe('pending');
    release(ids[0]!);
    await waitFor(() => holding(ids[2]!), { what: 'the third run to be admitted', timeoutMs: 15_000 });
    release(ids[1]!);
    release(ids[2]!);
    for (const id of ids) await until(id, 'completed');
  });

  it('cancel_in_progress: a new run cancels the older one (its step is aborted), then runs', async () => {
    const runs = a.app.context.runs;
    const older = (await runs.start({ workflowId: 'latest' })).runId;
    await waitFor(() => holding(older), { what: 'the older run to hold' });
    const newer = (await runs.start({ workflowId: 'latest' })).runId;
    await until(older, 'cancelled');
    const cancelled = (await a.app.context.journal.read(older)).find((e) => e.type === 'run.cancel_requested')?.payload as { reason: string };
    expect(cancelled.reason).toMatch(/superseded by run #\d+/);
    expect((await a.app.context.db.runStep.findFirstOrThrow({ where: { runId: older, stepId: 'hold' } })).status).toBe('cancelled');
    await waitFor(() => holding(newer), { what: 'the newer run to hold', timeoutMs: 15_000 });
    release(newer);
    await until(newer, 'completed');
  });

  it('cancel_in_progress: runs started at the same instant on two processes keep exactly the newest by (createdAt, id)', async () => {
    // The database's clock stands still for this group: every start gets the same createdAt —
    // from its insert on, so no comparison ever sees a run's own clock first — a tie that only
    // the id can break.
    const db = a.app.context.db;
    const sameInstant = kind === 'postgresql'
      ? [`CREATE FUNCTION same_instant() RETURNS trigger AS $$ BEGIN NEW."createdAt" := '2026-06-01 12:00:00'; RETURN NEW; END $$ LANGUAGE plpgsql`,
        `CREATE TRIGGER same_instant BEFORE INSERT OR UPDATE OF "createdAt" ON "Run" FOR EACH ROW WHEN (NEW."concurrencyKey" = 'latest') EXECUTE FUNCTION same_instant()`]
      : [`CREATE TRIGGER same_instant AFTER UPDATE OF "createdAt" ON "Run" WHEN NEW."concurrencyKey" = 'latest'
          BEGIN UPDATE "Run" SET "createdAt" = '2026-06-01T12:00:00.000+00:00' WHERE "id" = NEW."id"; END`,
        `CREATE TRIGGER same_instant_insert AFTER INSERT ON "Run" WHEN NEW."concurrencyKey" = 'latest'
          BEGIN UPDATE "Run" SET "createdAt" = '2026-06-01T12:00:00.000+00:00' WHERE "id" = NEW."id"; END`];
    for (const sql of sameInstant) await db.$executeRawUnsafe(sql);
    let ids: string[];
    try {
      ids = (await Promise.all([a, b, a, b].map((s) => s.app.context.runs.start({ workflowId: 'latest' })))).map((r) => r.runId);
    } finally {
      for (const sql of kind === 'postgresql' ? ['DROP TRIGGER same_instant ON "Run"', 'DROP FUNCTION same_instant()'] : ['DROP TRIGGER same_instant', 'DROP TRIGGER same_instant_insert']) await db.$executeRawUnsafe(sql);
    }
    const rows = await a.app.context.db.run.findMany({ where: { id: { in: ids } } });
    expect(new Set(rows.map((r) => r.createdAt.getTime())).size).toBe(1);
    const newest = [...ids].sort().at(-1)!;
    for (const id of ids) if (id !== newest) await until(id, 'cancelled');
    await waitFor(() => holding(newest), { what: 'the newest run to hold', timeoutMs: 15_000 });
    expect(ids.filter(holding)).toEqual([newest]);
    release(newest);
    await until(newest, 'completed');
  });

  it('cancel_in_progress: the newest run by the database\'s clock wins, whatever the creating process\'s clock says', async () => {
    const first = (await a.app.context.runs.start({ workflowId: 'latest' })).runId;
    await waitFor(() => holding(first), { what: 'the first run to hold' });
    // Started after it, by a process whose clock is an hour behind.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() - 60 * 60 * 1000);
    let second: string;
    try {
      second = (await b.app.context.runs.start({ workflowId: 'latest' })).runId;
    } finally {
      vi.useRealTimers();
    }
    await until(first, 'cancelled');
    await waitFor(() => holding(second), { what: 'the second run to hold', timeoutMs: 15_000 });
    release(second);
    await until(second, 'completed');
  });

  it('cancels a run that is waiting for its group without ever starting it', async () => {
    const runs = a.app.context.runs;
    const first = (await runs.start({ workflowId: 'deploy', inputs: { env: 'stage' } })).runId;
    const waiting = (await runs.start({ workflowId: 'deploy', inputs: { env: 'stage' } })).runId;
    await waitFor(() => holding(first), { what: 'the first run to hold' });
    await expect(runs.pause(waiting)).rejects.toThrow(/waiting for its concurrency group/);
    await runs.cancel(waiting, 'alice', 'not needed');
    expect(await status(waiting)).toBe('cancelled');
    expect((await a.app.context.journal.read(waiting)).map((e) => e.type)).toEqual(['run.created', 'run.cancel_requested', 'run.cancelled']);
    release(first);
    await until(first, 'completed');
    expect(ledger.entries.filter((e) => e.runId === waiting)).toEqual([]);
  });

  it('never exceeds a group limit across two processes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await (i % 2 ? b : a).app.context.runs.start({ workflowId: 'deploy', inputs: { env: 'shared' } })).runId);
    for (let i = 0; i < 4; i++) {
      const current = await waitFor(() => ids.find(holding), { what: 'a run to hold', timeoutMs: 15_000 });
      expect(ids.filter(holding)).toEqual([current]);
      release(current);
      await until(current, 'completed');
    }
    expect(new Set(ids.map((id) => ledger.entries.find((e) => e.runId === id && e.step === 'hold')?.runId)).size).toBe(4);
  });

  it('holds runs queued beyond MAX_ACTIVE_RUNS, then runs them', async () => {
    const runs = b.app.context.runs; // b executes at most one run at a time
    const first = (await runs.start({ workflowId: 'plain' })).runId;
    await waitFor(() => gatesB.has(`${first}:hold`) || gatesA.has(`${first}:hold`), { what: 'the first run to hold' });
    const second = (await runs.start({ workflowId: 'plain' })).runId;
    expect(runs.isActive(second)).toBe(false);
    // Queued without an owner: whichever process has room takes it (here a, or b later).
    await waitFor(() => holding(second), { what: 'the second run to be taken by a process with room', timeoutMs: 15_000 });
    expect(runs.isActive(second) && runs.isActive(first)).toBe(false);
    for (const id of [first, second]) {
      release(id);
      await waitFor(async () => (await a.app.context.db.runStep.findFirst({ where: { runId: id, stepId: 'gate', status: 'waiting' } })) !== null, { what: 'the gate to wait' });
      await a.app.context.runs.cancel(id);
      await until(id, 'cancelled');
    }
  });

  it('applies pause, resume, gate decisions and cancel asked of the process that does not execute the run', async () => {
    const { runId } = await a.app.context.runs.start({ workflowId: 'plain' });
    await waitFor(() => gatesA.has(`${runId}:hold`), { what: 'the run to hold in process a' });
    expect(a.app.context.runs.isActive(runId)).toBe(true);
    const remote = b.app.context.runs;
    await remote.pause(runId, 'bob');
    await until(runId, 'paused');
    release(runId);
    await remote.resume(runId, 'bob');
    await until(runId, 'running');
    await waitFor(async () => (await a.app.context.db.runStep.findFirst({ where: { runId, stepId: 'gate', status: 'waiting' } })) !== null, { what: 'the gate to wait' });
    await remote.decideGate(runId, 'gate', 'approve', 'carol', 'ship it');
    await until(runId, 'completed');
    const decided = (await a.app.context.journal.read(runId)).find((e) => e.type === 'gate.decided')?.payload;
    expect(decided).toMatchObject({ by: 'carol', comment: 'ship it', decision: 'approve' });
    // Commands are deleted once applied and a finished run's leftovers are dropped just after
    // it ends, so the table empties shortly after the run's status is written, not with it.
    await waitFor(async () => (await a.app.context.db.runCommand.count({ where: { runId } })) === 0, { what: 'the applied commands to be deleted' });
    await expect(remote.cancel(runId)).rejects.toThrow(/already completed/);
  });
});
