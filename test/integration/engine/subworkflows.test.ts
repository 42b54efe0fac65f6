// Sub-workflows on both databases: a child run linked to its parent run and step, whose
// result becomes the step's; failures and cancels cross the link; and a parent step that runs
// again after its process lost the run adopts the child instead of starting a second one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient } from '@trpc/client';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { startTestServer, type TestServer, apiClient } from '../../helpers/server.ts';
import { testRegistry } from '../../helpers/test-nodes.ts';
import { testRunners, type Ledger } from '../../helpers/test-runners.ts';
import { waitFor } from '../../helpers/wait.ts';

const workflow = (id: string, body: string) => `apiVersion: switchyard/v1\nid: ${id}\nname: ${id}\n${body}`;

const kid = workflow('kid', `inputs:
  n: { type: number, required: true }
  hold: { type: boolean, default: false }
  explode: { type: boolean, default: false }
steps:
  - { id: double, type: echo, with: { value: "\${{ inputs.n * 2 }}" } }
  - { id: hold, type: wait, needs: [double], if: "inputs.hold" }
  - { id: boom, type: fail, needs: [double], if: "inputs.explode", with: { retryable: false } }
`);

const parent = (id: string, extra: string) => workflow(id, `inputs:
  n: { type: number, default: 4 }
steps:
  - id: child
    type: subworkflow
    with: { workflow: kid, inputs: { n: "\${{ inputs.n }}"${extra} } }
  - { id: after, type: echo, needs: [child], with: { value: "\${{ steps.child.outputs.steps.double.value + 1 }}" } }
`);

describe.each(databaseKinds)('sub-workflows on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let api: ReturnType<typeof createTRPCClient<AppRouter>>;
  const ledger: Ledger = { entries: [] };
  const gates = new Map<string, () => void>();

  const finish = async (runId: string) => { await server.app.context.runs.waitFor(runId); return api.runs.get.query({ runId }); };
  const childrenOf = (runId: string) => server.app.context.db.run.findMany({ where: { parentRunId: runId }, orderBy: { createdAt: 'asc' } });

  beforeAll(async () => {
    database = await freshDatabase(kind);
    server = await startTestServer(kind, { database, registry: testRegistry(), runners: testRunners(ledger, gates), leaseMs: 1000 });
    api = apiClient(server.url, server.token);
    for (const [id, yaml] of [['kid', kid], ['parent', parent('parent', '')], ['holder', parent('holder', ', hold: true')], ['exploder', parent('exploder', ', explode: true')]] as const) {
      await api.workflows.import.mutate({ yaml });
      await api.versions.publish.mutate({ workflowId: id });
    }
  });
  afterAll(async () => { await server?.stop(); await database?.drop(); });

  it('runs the child as a linked run; its step outputs become the parent step\'s', async () => {
    const { runId } = await api.runs.start.mutate({ workflowId: 'parent', inputs: { n: 5 } });
    const run = await finish(runId);
    expect(run.status).toBe('completed');
    const [child] = await childrenOf(runId);
    expect(child).toMatchObject({ workflowId: 'kid', status: 'completed', parentStepKey: 'child#1', trigger: 'parent', inputs: { n: 5, hold: false, explode: false } });
    expect(run.children).toEqual([{ runId: child!.id, number: child!.number, workflowId: 'kid', status: 'completed', step: 'child' }]);
    expect(run.steps.find((s) => s.stepId === 'child')?.output).toMatchObject({ run_id: child!.id, status: 'completed', steps: { double: { value: 10 } } });
    expect(run.steps.find((s) => s.stepId === 'after')?.output).toEqual({ value: 11 });
    expect((await api.runs.get.query({ runId: child!.id })).parent).toEqual({ runId, step: 'child' });
  });

  it('fails the parent step, naming the child run, when the child fails', async () => {
    const { runId } = await api.runs.start.mutate({ workflowId: 'exploder' });
    const run = await finish(runId);
    expect(run.status).toBe('failed');
    const [child] = await childrenOf(runId);
    expect(child?.status).toBe('failed');
    const error = run.steps.find((s) => s.stepId === 'child')?.error as { code: string; message: string; details: { run_id: string } };
    expect(error.code).toBe('SUBWORKFLOW_FAILED');
    expect(error.message).toContain(`Child run #${child!.number} of "kid" failed`);
    expect(error.details.run_id).toBe(child!.id);
  });

  it('cancels the child when the parent is cancelled', async () => {
    const { runId } = await api.runs.start.mutate({ workflowId: 'holder' });
    const child = await waitFor(async () => (await childrenOf(runId))[0], { what: 'the child run' });
    await waitFor(() => gates.has(`${child.id}:hold`), { what: "the child's wait step" });
    await api.runs.cancel.mutate({ runId });
    expect((await finish(runId)).status).toBe('cancelled');
    expect((await finish(child.id)).status).toBe('cancelled');
  });

  it('adopts its child when the parent step runs again after the parent was taken over', async () => {
    const { db, runs } = server.app.context;
    const { runId } = await api.runs.start.mutate({ workflowId: 'holder', inputs: { n: 1 } });
    const child = await waitFor(async () => (await childrenOf(runId))[0], { what: 'the child run' });
    await waitFor(() => gates.has(`${child.id}:hold`), { what: "the child's wait step" });
    // Another process "steals" the parent with a lease that has already run out: this process
    // loses it at its next heartbeat, and its recovery loop claims it back as a crashed run.
    await db.run.update({ where: { id: runId }, data: { leaseOwner: 'someone-else', leaseUntil: new Date(Date.now() - 1) } });
    await waitFor(async () => (await api.runs.events.query({ runId })).some((e) => e.type === 'step.started' && (e.payload as { attempt: number }).attempt === 2), { what: 'the child step running again', timeoutMs: 15_000 });
    expect(runs.isActive(runId)).toBe(true);
    gates.get(`${child.id}:hold`)!();
    const run = await finish(runId);
    expect(run.status).toBe('completed');
    expect(await childrenOf(runId)).toHaveLength(1);
    expect(run.steps.find((s) => s.stepId === 'child')).toMatchObject({ attempt: 2, output: { run_id: child.id } });
  });

  it('fails the step clearly when the child workflow does not exist', async () => {
    await api.workflows.import.mutate({ yaml: workflow('orphan', 'steps:\n  - { id: child, type: subworkflow, with: { workflow: nobody-home } }\n') });
    await api.versions.publish.mutate({ workflowId: 'orphan' });
    const { runId } = await api.runs.start.mutate({ workflowId: 'orphan' });
    const run = await finish(runId);
    expect(run.status).toBe('failed');
    expect(run.steps[0]?.error).toMatchObject({ code: 'SUBWORKFLOW_START_FAILED', retryable: false });
    expect((run.steps[0]?.error as { message: string }).message).toContain('"nobody-home"');
  });
});
