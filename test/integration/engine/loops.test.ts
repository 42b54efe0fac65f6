// Nested loops and gates inside loop bodies through a real server, on both databases: every
// instance gets its own RunStep row, and a gate is decided per iteration over tRPC.
import { describe, expect, it } from 'vitest';
import type { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { useApiServer } from '../../helpers/api-fixture.ts';
import { databaseKinds } from '../../helpers/databases.ts';
import { waitFor } from '../../helpers/wait.ts';
import { apiClient } from '../../helpers/server.ts';

const yaml = `apiVersion: switchyard/v1
id: rollout
name: Rollout
steps:
  - id: regions
    type: loop
    with: { over: "['eu', 'us']", parallelism: 2, max_iterations: 2 }
    steps:
      - { id: approve, type: gate, with: { message: "roll out \${{ loop.item }}?", approvers: ["role:runner"], timeout: 1h } }
      - id: hosts
        type: loop
        needs: [approve.approved]
        with: { over: "[1, 2, 3]", parallelism: 3, max_iterations: 3 }
        steps:
          - { id: deploy, type: echo, with: { value: "\${{ loop.parent.item }}-\${{ loop.item }}" } }
`;

describe.each(databaseKinds)('loops on %s', (kind) => {
  const fx = useApiServer(kind, { rollout: yaml });

  it('decides gates per iteration and runs the nested loop of each approved one', async () => {
    const { api, server } = fx;
    // Two people decide: each through their own account.
    const ann = apiClient(server.url, (await server.user('runner', 'ann@example.com')).token);
    const bob = apiClient(server.url, (await server.user('runner', 'bob@example.com')).token);
    const { runId } = await api.runs.start.mutate({ workflowId: 'rollout' });
    await waitFor(async () => (await api.runs.get.query({ runId })).steps.filter((s) => s.stepId === 'approve' && s.status === 'waiting').length === 2, { what: 'both gates to wait' });
    const ambiguous = await ann.runs.decide.mutate({ runId, step: 'approve', decision: 'approve' }).catch((e: unknown) => e);
    expect((ambiguous as TRPCClientError<AppRouter>).data?.code).toBe('CONFLICT');
    expect((ambiguous as Error).message).toContain('say which one');
    await ann.runs.decide.mutate({ runId, step: 'approve', iteration: '1', decision: 'approve' });
    await bob.runs.decide.mutate({ runId, step: 'approve', iteration: '0', decision: 'reject', comment: 'eu freeze' });
    await server.app.context.runs.waitFor(runId);
    const run = await api.runs.get.query({ runId });
    expect(run.status).toBe('completed');
    const deploys = run.steps.filter((s) => s.stepId === 'deploy').map((s) => [s.iteration, s.output]).sort();
    expect(deploys).toEqual([['1/0', { value: 'us-1' }], ['1/1', { value: 'us-2' }], ['1/2', { value: 'us-3' }]]);
    expect(run.steps.find((s) => s.stepId === 'hosts' && s.iteration === '0')?.status).toBe('skipped');
    expect(run.steps.find((s) => s.stepId === 'hosts' && s.iteration === '1')).toMatchObject({ status: 'completed', output: { iterations: 3 } });
  });
});
