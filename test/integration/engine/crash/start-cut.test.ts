// A kill the random crash test (crash.test.ts) can hardly hit, made deterministic: the process
// dies inside runs.start, after the Run row was created (Prisma) and before `run.created` was
// journaled (a separate transaction, server/engine/run-service.ts `start`). The caller got an
// error; the row is left queued, its lease running out, its journal empty. Recovery must not
// run it as something it is not: a journal always begins with `run.created` (the run's version
// and inputs — what the fold rebuilds the run from), and no step may run with inputs other
// than the run's. The row here is exactly what such a kill leaves, written the way
// runs.test.ts fakes a dead process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEventSchema } from '../../../../engine/run/events.ts';
import { databaseKinds } from '../../../helpers/databases.ts';
import { startTestServer, type TestServer, apiClient } from '../../../helpers/server.ts';
import { testRegistry } from '../../../helpers/test-nodes.ts';
import { testRunners, type Ledger } from '../../../helpers/test-runners.ts';
import { waitFor } from '../../../helpers/wait.ts';

const yaml = `apiVersion: switchyard/v1
id: cut
name: Cut start
inputs:
  n: { type: number, required: true }
steps:
  - { id: a, type: echo, with: { value: "\${{ inputs.n }}" } }
`;

describe.each(databaseKinds)('a run whose start was cut short by a kill, on %s', (kind) => {
  let server: TestServer | undefined;
  const ledger: Ledger = { entries: [] };

  beforeAll(async () => {
    server = await startTestServer(kind, { registry: testRegistry(), runners: testRunners(ledger), leaseMs: 1000 });
    const api = apiClient(server.url, server.token);
    await api.workflows.import.mutate({ yaml });
    await api.versions.publish.mutate({ workflowId: 'cut' });
  });
  afterAll(async () => { await server?.stop(); });

  it('is recovered from what it was created with, or not run at all — never with other inputs', async () => {
    const { db, journal } = server!.app.context;
    const version = await db.workflowVersion.findFirstOrThrow({ where: { workflowId: 'cut' } });
    // runs.start's first write, by a process that died before its second: lease expired, no events.
    const run = await db.run.create({
      data: { workflowId: 'cut', versionId: version.id, number: 1, status: 'queued', inputs: { n: 5 }, trigger: 'manual', leaseOwner: 'killed-during-start', leaseUntil: new Date(Date.now() - 1) },
    });

    // Promise 4: it ends, in bounded time (the recovery loop claims it within a second or two).
    const ended = await waitFor(async () => {
      const r = await db.run.findUnique({ where: { id: run.id } });
      return r && ['completed', 'failed', 'cancelled'].includes(r.status) ? r : undefined;
    }, { timeoutMs: 15_000, what: 'the cut run to end' });

    const events = (await journal.read(run.id)).map((e) => runEventSchema.parse(e.payload));
    const ran = ledger.entries.filter((e) => e.runId === run.id);
    const step = await db.runStep.findFirst({ where: { runId: run.id, stepId: 'a' } });
    const what = JSON.stringify({ status: ended.status, error: ended.error, events }, null, 1);
    // The journal is the run: it begins with run.created, carrying the row's version and inputs.
    expect(events[0], what).toEqual({ type: 'run.created', versionId: version.id, inputs: { n: 5 }, vars: {} });
    // If it ran at all, it ran with its own inputs.
    if (ran.length || step) {
      expect(ended.status, what).toBe('completed');
      expect(step?.output, what).toEqual({ value: 5 });
    }
  });
});
