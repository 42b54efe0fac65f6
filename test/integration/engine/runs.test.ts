// Durable runs through the real server on both databases: start over tRPC, the journal and
// the row projection agree, controls work, and a run left behind by a crashed process is
// recovered — completed steps are not run again, the in-flight one runs with the next attempt.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, TRPCClientError } from '@trpc/client';
import { fold } from '../../../engine/run/reducer.ts';
import { runEventSchema } from '../../../engine/run/events.ts';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { startTestServer, type TestServer, apiClient } from '../../helpers/server.ts';
import { testRegistry } from '../../helpers/test-nodes.ts';
import { testRunners, type Ledger } from '../../helpers/test-runners.ts';
import { waitFor } from '../../helpers/wait.ts';

const chain = (id: string) => `apiVersion: switchyard/v1
id: ${id}
name: ${id}
inputs:
  n: { type: number, required: true }
steps:
  - { id: a, type: echo, with: { value: "\${{ inputs.n * 2 }}" } }
  - { id: check, type: condition, needs: [a], with: { if: "steps.a.outputs.value > 5" } }
  - { id: big, type: echo, needs: [check.true], with: { value: big } }
  - { id: small, type: echo, needs: [check.false], with: { value: small } }
  - { id: hold, type: wait, needs: [big] }
  - { id: last, type: echo, needs: [hold] }
`;

describe.each(databaseKinds)('durable runs on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let api: ReturnType<typeof createTRPCClient<AppRouter>>;
  const ledger: Ledger = { entries: [] };
  const gates = new Map<string, () => void>();

  async function publish(id: string, yaml: string) {
    await api.workflows.import.mutate({ yaml });
    expect(await api.versions.publish.mutate({ workflowId: id })).toMatchObject({ ok: true });
  }

  beforeAll(async () => {
    database = await freshDatabase(kind);
    server = await startTestServer(kind, { database, registry: testRegistry(), runners: testRunners(ledger, gates), leaseMs: 1000 });
    api = apiClient(server.url, server.token);
    await publish('chain', chain('chain'));
  });
  afterAll(async () => { await server?.stop(); await database?.drop(); });

  it('runs a published version to completion; rows, journal and fold agree', async () => {
    const { runId, number } = await api.runs.start.mutate({ workflowId: 'chain', inputs: { n: '3' } });
    expect(number).toBe(1);
    await waitFor(() => gates.has(`${runId}:hold`), { what: 'the wait step' });
    gates.get(`${runId}:hold`)!();
    await server.app.context.runs.waitFor(runId);
    const run = await api.runs.get.query({ runId });
    expect(run.status).toBe('completed');
    const byId = Object.fromEntries(run.steps.map((s) => [s.stepId, s.status]));
    expect(byId).toEqual({ a: 'completed', check: 'completed', big: 'completed', small: 'skipped', hold: 'completed', last: 'completed' });
    expect(run.steps.find((s) => s.stepId === 'a')?.output).toEqual({ value: 6 });

    const events = await api.runs.events.query({ runId });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(run.lastSeq).toBe(events.length);
    const rebuilt = fold(events.map((e) => runEventSchema.parse(e.payload)));
    expect(rebuilt.status).toBe('completed');
    for (const s of run.steps) expect(rebuilt.steps.get(s.stepId)?.status).toBe(s.status);
    expect((await api.runs.events.query({ runId, afterSeq: events.length - 2 })).map((e) => e.seq)).toEqual([events.length - 1, events.length]);
  });

  it('gives each run its own workspace directory, shared by its steps', async () => {
    const byRun = new Map<string, Set<string>>();
    for (const e of ledger.entries) {
      if (!byRun.has(e.runId)) byRun.set(e.runId, new Set());
      byRun.get(e.runId)!.add(e.workspace!);
    }
    const workspaces = [...byRun.values()];
    expect(workspaces.length).toBeGreaterThanOrEqual(1);
    for (const [runId, dirs] of byRun) {
      expect(dirs.size).toBe(1);
      const dir = [...dirs][0]!;
      expect(dir.endsWith(path.join('runs', runId, 'workspace'))).toBe(true);
      expect(existsSync(dir)).toBe(true);
    }
  });

  it('refuses bad inputs and unpublished workflows with clear errors', async () => {
    const bad = await api.runs.start.mutate({ workflowId: 'chain', inputs: { n: 'lots' } }).catch((e: unknown) => e);
    expect((bad as TRPCClientError<AppRouter>).data?.code).toBe('BAD_REQUEST');
    expect((bad as Error).message).toContain('n:');
    await api.workflows.create.mutate({ name: 'Never published' });
    const unpublished = await api.runs.start.mutate({ workflowId: 'never-published' }).catch((e: unknown) => e);
    expect((unpublished as Error).message).toContain('no published version');
    const unknown = await api.runs.start.mutate({ workflowId: 'no-such-workflow' }).catch((e: unknown) => e);
    expect((unknown as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
    expect((unknown as Error).message).toContain('no-such-workflow');
  });

  it('cancels a run: the running step is aborted and nothing after it starts', async () => {
    const { runId } = await api.runs.start.mutate({ workflowId: 'chain', inputs: { n: 5 } });
    await waitFor(() => gates.has(`${runId}:hold`), { what: 'the wait step' });
    await api.runs.cancel.mutate({ runId, reason: 'test' });
    await server.app.context.runs.waitFor(runId);
    const run = await api.runs.get.query({ runId });
    expect(run.status).toBe('cancelled');
    expect(run.steps.find((s) => s.stepId === 'hold')?.status).toBe('cancelled');
    expect(ledger.entries.filter((e) => e.runId === runId).map((e) => e.step)).not.toContain('last');
  });

  it('recovers a run whose process died: completed steps are reused, the in-flight step runs again', async () => {
    const { journal, db } = server.app.context;
    const version = await db.workflowVersion.findFirstOrThrow({ where: { workflowId: 'chain' } });
    const ghost = 'ghost-process';
    const run = await db.run.create({ data: { workflowId: 'chain', versionId: version.id, number: 99, status: 'running', inputs: { n: 1 }, leaseOwner: ghost, leaseUntil: new Date(Date.now() + 60_000) } });
    const events = [
      { type: 'run.created', versionId: version.id, inputs: { n: 1 }, vars: {} },
      { type: 'run.started' },
      { type: 'step.started', step: 'a', iteration: '', attempt: 1 },
      { type: 'step.completed', step: 'a', iteration: '', attempt: 1, output: { value: 2 }, port: 'out' },
      { type: 'step.started', step: 'check', iteration: '', attempt: 1 },
      { type: 'step.completed', step: 'check', iteration: '', attempt: 1, output: { result: false }, port: 'false' },
      { type: 'step.started', step: 'small', iteration: '', attempt: 1 },
    ];
    await journal.append({ runId: run.id, owner: ghost, events: events.map((e) => ({ type: e.type, payload: e })) });
    // The ghost stops renewing: its lease runs out and this server's recovery loop takes over.
    await db.run.update({ where: { id: run.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    await waitFor(async () => (await db.run.findUnique({ where: { id: run.id } }))?.status === 'completed', { what: 'recovered run to complete', timeoutMs: 15_000 });
    const ran = ledger.entries.filter((e) => e.runId === run.id).map(({ runId, step, attempt }) => ({ runId, step, attempt }));
    expect(ran).toEqual([{ runId: run.id, step: 'small', attempt: 2 }]);
    const steps = await db.runStep.findMany({ where: { runId: run.id } });
    expect(Object.fromEntries(steps.map((s) => [s.stepId, s.status]))).toMatchObject({ small: 'completed', big: 'skipped', hold: 'skipped', last: 'skipped' });
  });

  it('refuses a late commit from a process that lost its lease', async () => {
    const { journal, db } = server.app.context;
    const version = await db.workflowVersion.findFirstOrThrow({ where: { workflowId: 'chain' } });
    const run = await db.run.create({ data: { workflowId: 'chain', versionId: version.id, number: 100, status: 'queued', inputs: { n: 1 }, leaseOwner: 'stalled', leaseUntil: new Date(Date.now() - 1) } });
    await expect(journal.append({ runId: run.id, owner: 'stalled', events: [{ type: 'run.started', payload: { type: 'run.started' } }] })).rejects.toThrow(/lease/i);
    expect((await db.run.findUnique({ where: { id: run.id } }))?.lastSeq).toBe(0);
  });
});

describe('gates over tRPC', () => {
  let server: TestServer;
  let api: ReturnType<typeof createTRPCClient<AppRouter>>;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { registry: testRegistry(), runners: testRunners() });
    api = apiClient(server.url, server.token);
    await api.workflows.import.mutate({ yaml: `apiVersion: switchyard/v1\nid: gated\nname: Gated\nsteps:
  - id: approve
    type: gate
    with: { message: ship?, approvers: ["role:runner"], timeout: 1h }
  - { id: ship, type: echo, needs: [approve.approved] }
` });
    await api.versions.publish.mutate({ workflowId: 'gated' });
    await api.workflows.import.mutate({ yaml: `apiVersion: switchyard/v1\nid: named\nname: Named\nsteps:
  - id: approve
    type: gate
    with: { message: release?, approvers: ["user:ada@example.com", "role:editor"], timeout: 1h }
` });
    await api.versions.publish.mutate({ workflowId: 'named' });
  });
  afterAll(async () => { await server?.stop(); });

  it('waits at the gate until someone approves, recording who and why', async () => {
    const { runId } = await api.runs.start.mutate({ workflowId: 'gated' });
    await waitFor(async () => (await api.runs.get.query({ runId })).steps.find((s) => s.stepId === 'approve')?.status === 'waiting', { what: 'gate waiting' });
    await api.runs.decide.mutate({ runId, step: 'approve', decision: 'approve', comment: 'ship it' }); // as the signed-in owner
    await server.app.context.runs.waitFor(runId);
    const run = await api.runs.get.query({ runId });
    expect(run.status).toBe('completed');
    expect(run.steps.find((s) => s.stepId === 'approve')?.output).toMatchObject({ decision: 'approved', by: ['owner@switchyard.test'] });
    const decided = (await api.runs.events.query({ runId })).find((e) => e.type === 'gate.decided');
    expect(decided?.payload).toMatchObject({ by: 'owner@switchyard.test', comment: 'ship it', decision: 'approve' });
  });

  it('lets only the gate\'s approvers decide: named users and roles at or above the one named', async () => {
    const as = async (role: 'runner' | 'editor' | 'viewer', email: string) => apiClient(server.url, (await server.user(role, email)).token);
    const [bob, ada, eve, vera] = [await as('runner', 'bob@example.com'), await as('runner', 'ada@example.com'), await as('editor', 'eve@example.com'), await as('viewer', 'vera@example.com')];
    const waiting = async () => {
      const { runId } = await api.runs.start.mutate({ workflowId: 'named' });
      await waitFor(async () => (await api.runs.get.query({ runId })).steps.find((s) => s.stepId === 'approve')?.status === 'waiting', { what: 'gate waiting' });
      return runId;
    };
    const runId = await waiting();
    const refused = await bob.runs.decide.mutate({ runId, step: 'approve', decision: 'approve' }).catch((e: unknown) => e) as TRPCClientError<AppRouter>;
    expect([refused.data?.code, refused.message]).toEqual(['FORBIDDEN', 'Only user:ada@example.com, role:editor may decide gate approve; you are bob@example.com (runner).']);
    expect((await vera.runs.decide.mutate({ runId, step: 'approve', decision: 'approve' }).catch((e: unknown) => e) as TRPCClientError<AppRouter>).data?.code).toBe('FORBIDDEN');
    await ada.runs.decide.mutate({ runId, step: 'approve', decision: 'reject', comment: 'not yet' });
    await server.app.context.runs.waitFor(runId);
    expect((await api.runs.get.query({ runId })).steps[0]?.output).toMatchObject({ decision: 'rejected' });
    const second = await waiting();
    await eve.runs.decide.mutate({ runId: second, step: 'approve', decision: 'approve' }); // an editor, by role
    await server.app.context.runs.waitFor(second);
    expect((await api.runs.get.query({ runId: second })).steps[0]?.output).toMatchObject({ decision: 'approved', by: ['eve@example.com'] });
  });

  it('refuses a decision on a step that is not a waiting gate', async () => {
    const { runId } = await api.runs.start.mutate({ workflowId: 'gated' });
    await waitFor(async () => (await api.runs.get.query({ runId })).steps.some((s) => s.status === 'waiting'), { what: 'gate waiting' });
    const err = await api.runs.decide.mutate({ runId, step: 'ship', decision: 'approve' }).catch((e: unknown) => e);
    expect((err as TRPCClientError<AppRouter>).data?.code).toBe('CONFLICT');
    await api.runs.cancel.mutate({ runId });
  });
});
