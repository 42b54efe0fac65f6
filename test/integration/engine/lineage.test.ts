// Runs that come from other runs, on both databases: retry (keeps what completed), re-run
// (starts over), fork (time travel from one step, with edited upstream outputs), and
// idempotent starts. A side-effect ledger proves which steps really ran in which run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, TRPCClientError } from '@trpc/client';
import { defineRunner } from '../../../engine/nodes/define-node.ts';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { startTestServer, type TestServer, apiClient } from '../../helpers/server.ts';
import { failNode, testRegistry } from '../../helpers/test-nodes.ts';
import { testRunners, type Ledger } from '../../helpers/test-runners.ts';

const pipeline = `apiVersion: switchyard/v1
id: pipeline
name: Pipeline
inputs:
  topic: { type: string, default: cats }
steps:
  - { id: plan, type: echo, with: { value: "plan for \${{ inputs.topic }}" } }
  - { id: implement, type: echo, needs: [plan], with: { value: "\${{ steps.plan.outputs.value }} → code" } }
  - { id: test, type: fail, needs: [implement], with: { retryable: false } }
  - { id: review, type: echo, needs: [test], with: { value: "reviewed \${{ steps.implement.outputs.value }}" } }
`;

describe.each(databaseKinds)('retry, re-run and fork on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let api: ReturnType<typeof createTRPCClient<AppRouter>>;
  const ledger: Ledger = { entries: [] };
  // The `test` step fails while this is true: the world "gets fixed" between runs.
  let broken = true;

  const ran = (runId: string) => ledger.entries.filter((e) => e.runId === runId).map((e) => e.step);
  const finish = async (runId: string) => { await server.app.context.runs.waitFor(runId); return api.runs.get.query({ runId }); };
  const output = (run: Awaited<ReturnType<typeof finish>>, step: string) => run.steps.find((s) => s.stepId === step)?.output;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    const runners = testRunners(ledger).filter((r) => r.definition.type !== 'fail');
    runners.push(defineRunner(failNode, async (ctx) => {
      ledger.entries.push({ runId: ctx.runId, step: ctx.stepId, attempt: ctx.attempt });
      if (broken) throw { code: 'TESTS_RED', message: 'tests are red', retryable: false };
      return { green: true };
    }));
    server = await startTestServer(kind, { database, registry: testRegistry(), runners, leaseMs: 1000 });
    api = apiClient(server.url, server.token);
    await api.workflows.import.mutate({ yaml: pipeline });
    await api.versions.publish.mutate({ workflowId: 'pipeline' });
  });
  afterAll(async () => { await server?.stop(); await database?.drop(); });

  it('retries a failed run from its failed step: completed results are reused, not re-run', async () => {
    broken = true;
    const first = await api.runs.start.mutate({ workflowId: 'pipeline' });
    expect((await finish(first.runId)).status).toBe('failed');
    expect(ran(first.runId)).toEqual(['plan', 'implement', 'test']);

    broken = false;
    const retry = await api.runs.retry.mutate({ runId: first.runId });
    const run = await finish(retry.runId);
    expect(run.status).toBe('completed');
    expect(ran(retry.runId)).toEqual(['test', 'review']);
    expect(run).toMatchObject({ origin: 'retry', sourceRunId: first.runId });
    expect(output(run, 'implement')).toEqual({ value: 'plan for cats → code' });
    // Each step records the config it ran with, templates rendered.
    expect(run.steps.find((s) => s.stepId === 'review')?.input).toEqual({ value: 'reviewed plan for cats → code' });
    expect(output(run, 'review')).toEqual({ value: 'reviewed plan for cats → code' });
    const reused = (await api.runs.events.query({ runId: retry.runId })).filter((e) => e.type === 'step.reused');
    expect(reused.map((e) => (e.payload as { step: string; fromRun: string }).step)).toEqual(['plan', 'implement']);
    expect(reused.every((e) => (e.payload as { fromRun: string }).fromRun === first.runId)).toBe(true);
  });

  it('refuses to retry a run that did not fail, and says what to do instead', async () => {
    broken = false;
    const ok = await api.runs.start.mutate({ workflowId: 'pipeline' });
    await finish(ok.runId);
    const err = await api.runs.retry.mutate({ runId: ok.runId }).catch((e: unknown) => e);
    expect((err as TRPCClientError<AppRouter>).data?.code).toBe('CONFLICT');
    expect((err as Error).message).toMatch(/only a failed or cancelled run can be retried.*Re-run/);
  });

  it('re-runs with the same version and inputs, running every step again', async () => {
    broken = false;
    const first = await api.runs.start.mutate({ workflowId: 'pipeline', inputs: { topic: 'dogs' } });
    await finish(first.runId);
    const again = await api.runs.rerun.mutate({ runId: first.runId });
    const run = await finish(again.runId);
    expect(run).toMatchObject({ status: 'completed', origin: 'rerun', sourceRunId: first.runId, inputs: { topic: 'dogs' } });
    expect(ran(again.runId)).toEqual(['plan', 'implement', 'test', 'review']);
  });

  it('forks from a step with an edited upstream output: upstream is reused, the rest runs for real', async () => {
    broken = false;
    const first = await api.runs.start.mutate({ workflowId: 'pipeline' });
    await finish(first.runId);
    const fork = await api.runs.fork.mutate({ runId: first.runId, step: 'implement', outputs: { plan: { value: 'a better plan' } } });
    const run = await finish(fork.runId);
    expect(run).toMatchObject({ status: 'completed', origin: 'fork', sourceRunId: first.runId, sourceStep: 'implement' });
    expect(ran(fork.runId)).toEqual(['implement', 'test', 'review']);
    expect(output(run, 'plan')).toEqual({ value: 'a better plan' });
    expect(output(run, 'review')).toEqual({ value: 'reviewed a better plan → code' });
    const reused = (await api.runs.events.query({ runId: fork.runId })).find((e) => e.type === 'step.reused');
    expect(reused?.payload).toMatchObject({ step: 'plan', edited: true, fromRun: first.runId });
  });

  it('forks with edited inputs, and refuses edits that a fork cannot honour', async () => {
    broken = false;
    const first = await api.runs.start.mutate({ workflowId: 'pipeline' });
    await finish(first.runId);
    const fork = await api.runs.fork.mutate({ runId: first.runId, step: 'plan', inputs: { topic: 'owls' } });
    const run = await finish(fork.runId);
    expect(run.inputs).toEqual({ topic: 'owls' });
    expect(output(run, 'implement')).toEqual({ value: 'plan for owls → code' });

    const downstream = await api.runs.fork.mutate({ runId: first.runId, step: 'implement', outputs: { review: {} } }).catch((e: unknown) => e);
    expect((downstream as TRPCClientError<AppRouter>).data?.code).toBe('BAD_REQUEST');
    expect((downstream as Error).message).toContain('only steps upstream of "implement"');
    const nowhere = await api.runs.fork.mutate({ runId: first.runId, step: 'deploy' }).catch((e: unknown) => e);
    expect((nowhere as Error).message).toContain('no such step');
    const badInputs = await api.runs.fork.mutate({ runId: first.runId, step: 'plan', inputs: { topic: 3 } }).catch((e: unknown) => e);
    expect((badInputs as Error).message).toContain('topic');
  });

  it('starts a run once per idempotency key, even when two requests race', async () => {
    broken = false;
    const [a, b] = await Promise.all([
      api.runs.start.mutate({ workflowId: 'pipeline', idempotencyKey: 'deploy-42' }),
      api.runs.start.mutate({ workflowId: 'pipeline', idempotencyKey: 'deploy-42' }),
    ]);
    expect(a.runId).toBe(b.runId);
    const again = await api.runs.start.mutate({ workflowId: 'pipeline', idempotencyKey: 'deploy-42' });
    expect(again).toMatchObject({ runId: a.runId, existing: true });
    await finish(a.runId);
    expect(ran(a.runId)).toEqual(['plan', 'implement', 'test', 'review']);
  });
});
