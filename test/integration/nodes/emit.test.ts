// The emit node on a real server with the real runners: its event reaches the run service's
// bus as 'emitted', with the templated payload and the step's idempotency key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeRunners } from '../../../nodes/runners.generated.ts';
import type { EmittedEvent } from '../../../server/engine/node-context/index.ts';
import { useApiServer } from '../../helpers/api-fixture.ts';
import { testRunners } from '../../helpers/test-runners.ts';

const announce = `apiVersion: switchyard/v1
id: announce
name: announce
inputs:
  plan: { type: string, required: true }
steps:
  - id: tell
    type: emit
    with:
      event: plan_validated
      payload:
        plan: { id: "\${{ inputs.plan }}" }
`;

describe('the emit node', () => {
  const fx = useApiServer('sqlite', { announce }, { runners: [...testRunners(), ...nodeRunners] });
  let heard: EmittedEvent[];
  const listener = (e: EmittedEvent) => heard.push(e);
  beforeEach(() => { heard = []; fx.server.app.context.runs.bus.on('emitted', listener); });
  afterEach(() => { fx.server.app.context.runs.bus.off('emitted', listener); });

  it('publishes the event with its payload on the bus, and records it as the step output', async () => {
    const { runId } = await fx.api.runs.start.mutate({ workflowId: 'announce', inputs: { plan: 'p-42' } });
    await fx.server.app.context.runs.waitFor(runId);
    const run = await fx.api.runs.get.query({ runId });
    expect(run.status).toBe('completed');
    expect(run.steps[0]).toMatchObject({ output: { event: 'plan_validated', payload: { plan: { id: 'p-42' } } }, summary: 'emitted plan_validated' });
    expect(heard).toEqual([{ event: 'plan_validated', payload: { plan: { id: 'p-42' } }, runId, stepId: 'tell', idempotencyKey: `${runId}:tell`, at: expect.any(String) }]);
  });
});
