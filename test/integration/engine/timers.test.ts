// Promise 4 on both databases: timers survive a restart. A delay, a retry back-off, a gate
// timeout and a run deadline are journaled as due times; a server that stops while they are
// pending is replaced by a new one on the same database, which fires each at its stored time
// — not later, and not by starting the wait over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { testRegistry } from '../../helpers/test-nodes.ts';
import { testRunners, type Ledger } from '../../helpers/test-runners.ts';
import { waitFor } from '../../helpers/wait.ts';

const wf = (id: string, body: string) => `apiVersion: switchyard/v1\nid: ${id}\nname: ${id}\n${body}`;
const WORKFLOWS = {
  delay: wf('delay', 'steps:\n  - { id: pause, type: delay, with: { duration: 2s } }\n  - { id: after, type: echo, needs: [pause] }\n'),
  backoff: wf('backoff', 'steps:\n  - { id: flaky, type: fail, with: { times: 1 }, retry: { attempts: 2, initial: 2s } }\n'),
  gate: wf('gate', 'steps:\n  - id: approve\n    type: gate\n    with: { message: ship?, approvers: ["role:runner"], timeout: 2s, on_timeout: proceed }\n  - { id: yes, type: echo, needs: [approve.approved] }\n'),
  deadline: wf('deadline', 'timeout: 2s\nsteps:\n  - { id: hold, type: wait }\n'),
};

interface Row { seq: number; type: string; payload: Record<string, unknown>; at: Date }

describe.each(databaseKinds)('timers across a restart on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer | undefined;
  const ledger: Ledger = { entries: [] };
  const start = async () => startTestServer(kind, { database, registry: testRegistry(), runners: testRunners(ledger), leaseMs: 1000 });

  beforeAll(async () => { database = await freshDatabase(kind); });
  afterAll(async () => { await server?.stop(); await database?.drop(); });

  it('fire at their journaled due time in the process that takes over', { timeout: 30_000 }, async () => {
    server = await start();
    const { workflows, versions, runs, journal } = server.app.context;
    const ids: Record<string, string> = {};
    for (const [id, yaml] of Object.entries(WORKFLOWS)) {
      expect(await workflows.import(yaml)).toMatchObject({ ok: true });
      await versions.publish(id);
      ids[id] = (await runs.start({ workflowId: id })).runId;
    }
    const events = async (runId: string, j = journal) => (await j.read(runId)).map((e) => ({ ...e, payload: e.payload as Record<string, unknown> })) as Row[];
    // Every timer is pending: its due time is in the journal.
    const due: Record<string, string> = {};
    await waitFor(async () => {
      const d = (await events(ids.delay!)).find((e) => e.type === 'step.waiting')?.payload.until;
      const b = (await events(ids.backoff!)).find((e) => e.type === 'step.failed')?.payload.retryAt;
      const g = (await events(ids.gate!)).find((e) => e.type === 'step.waiting')?.payload.until;
      const r = (await events(ids.deadline!)).find((e) => e.type === 'run.started')?.payload.deadline;
      if (!d || !b || !g || !r) return false;
      Object.assign(due, { delay: d, backoff: b, gate: g, deadline: r });
      return true;
    }, { what: 'all four timers to be journaled' });

    await server.stop();
    server = await start();
    const restartedAt = Date.now();
    const next = server.app.context;
    const runIds = Object.values(ids);
    await waitFor(async () => {
      const rows = await next.db.run.findMany({ where: { id: { in: runIds } }, select: { status: true } });
      return rows.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status));
    }, { what: 'every run to finish after the restart', timeoutMs: 15_000 });

    const fired = async (runId: string, match: (e: Row) => boolean) => {
      const found = (await events(runId, next.journal)).find(match);
      expect(found, `event in ${runId}`).toBeDefined();
      return found!;
    };
    const checks = [
      { name: 'delay', event: await fired(ids.delay!, (e) => e.type === 'step.completed' && e.payload.step === 'pause'), dueAt: due.delay! },
      { name: 'backoff', event: await fired(ids.backoff!, (e) => e.type === 'step.started' && e.payload.attempt === 2), dueAt: due.backoff! },
      { name: 'gate', event: await fired(ids.gate!, (e) => e.type === 'step.completed' && e.payload.step === 'approve'), dueAt: due.gate! },
      { name: 'deadline', event: await fired(ids.deadline!, (e) => e.type === 'run.failed'), dueAt: due.deadline! },
    ];
    for (const c of checks) {
      // Not before its time, and fired from the stored time rather than a wait started over
      // (a fresh 2 s wait would end at least 2 s after the restart).
      const dueAt = new Date(c.dueAt).getTime();
      expect(c.event.at.getTime(), c.name).toBeGreaterThanOrEqual(dueAt - 5);
      expect(c.event.at.getTime() - Math.max(dueAt, restartedAt), c.name).toBeLessThan(1500);
    }
    // Each due time was journaled once: nothing was re-armed from zero.
    expect((await events(ids.delay!, next.journal)).filter((e) => e.type === 'step.waiting')).toHaveLength(1);
    expect((await events(ids.gate!, next.journal)).filter((e) => e.type === 'step.waiting')).toHaveLength(1);
    expect((await fired(ids.gate!, (e) => e.type === 'step.completed' && e.payload.step === 'approve')).payload.port).toBe('approved');
    expect((await fired(ids.deadline!, (e) => e.type === 'run.failed')).payload.error).toMatchObject({ code: 'RUN_TIMEOUT' });
    expect(ledger.entries.filter((e) => e.runId === ids.backoff).map((e) => e.attempt)).toEqual([1, 2]);
  });
});
