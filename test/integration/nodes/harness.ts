// Runs tiny workflows of real node types (every nodes/<type>/run.ts) through a real server on
// SQLite: each call imports and publishes a one-off workflow, starts it and, for `run`, waits
// for it to end.
import { expect } from 'vitest';
import { nodeRegistry } from '../../../nodes/registry.generated.ts';
import { nodeRunners } from '../../../nodes/runners.generated.ts';
import { useApiServer, type ApiFixture } from '../../helpers/api-fixture.ts';

export type RunView = Awaited<ReturnType<ApiFixture['api']['runs']['get']['query']>>;

export function useNodeServer(env: Record<string, string> = {}) {
  const fx = useApiServer('sqlite', {}, { registry: nodeRegistry, runners: nodeRunners, env });
  let count = 0;

  async function start(steps: string): Promise<string> {
    const id = `flow-${++count}`;
    const saved = await fx.api.workflows.import.mutate({ yaml: `apiVersion: switchyard/v1\nid: ${id}\nname: ${id}\nsteps:\n${steps}` });
    expect(saved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    await fx.api.versions.publish.mutate({ workflowId: id });
    return (await fx.api.runs.start.mutate({ workflowId: id })).runId;
  }

  const get = (runId: string) => fx.api.runs.get.query({ runId });

  async function run(steps: string): Promise<RunView> {
    const runId = await start(steps);
    await fx.server.app.context.runs.waitFor(runId);
    return get(runId);
  }

  const step = (view: RunView, id: string) => view.steps.find((s) => s.stepId === id)!;

  async function log(runId: string, stepId: string): Promise<string> {
    return (await fx.api.runs.logs.query({ runId, step: stepId, stream: 'log', offset: 0 })).text;
  }

  return { fx, start, run, get, step, log };
}
