// The validator against the real node registry (nodes/registry.generated.ts): the workflow
// sketched in DESIGN.md validates cleanly, and a broken copy reports what the real node
// schemas say.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_VERSION, workflowSchema } from '../../../../engine/format/schema.ts';
import type { NodeRegistry } from '../../../../engine/nodes/define-node.ts';
import { validateWorkflow } from '../../../../engine/validate/index.ts';

const generated = new URL('../../../../nodes/registry.generated.ts', import.meta.url);
const available = existsSync(generated);

const sketch = () => workflowSchema.parse({
  apiVersion: API_VERSION, id: 'deploy-on-plan', name: 'Deploy on plan completion',
  inputs: { plan_id: { type: 'string', required: true }, confidence: { type: 'number', default: 0.9 } },
  phases: ['validate', 'staging', 'approval', 'production'],
  triggers: [{ type: 'manual' }, { type: 'event', event: 'plan_validated', if: 'event.plan.confidence > 0.8' }],
  steps: [
    { id: 'check', type: 'condition', phase: 'validate', with: { if: 'inputs.confidence > 0.8' } },
    {
      id: 'staging', type: 'script', phase: 'staging', needs: ['check.true'], with: { run: './deploy.sh staging ${{ inputs.plan_id }}' },
      retry: { attempts: 3, backoff: 'exponential', initial: '2s', max: '30s' }, timeout: '10m',
    },
    { id: 'approve', type: 'gate', phase: 'approval', needs: ['staging'], with: { message: 'Ship ${{ inputs.plan_id }}?', approvers: ['role:runner'], quorum: 1, timeout: '60m', on_timeout: 'escalate', escalate_to: ['role:owner'] } },
    { id: 'production', type: 'script', phase: 'production', needs: ['approve.approved'], with: { run: './deploy.sh production' } },
    { id: 'too_risky', type: 'notify', needs: ['check.false'], with: { message: 'Plan ${{ inputs.plan_id }} is below the confidence bar' } },
    {
      id: 'fix_until_green', type: 'loop', needs: ['production'], with: { until: 'steps.test.outputs.exit_code == 0', max_iterations: 3 },
      steps: [{ id: 'implement', type: 'script', with: { run: 'make fix' } }, { id: 'test', type: 'script', needs: ['implement'], with: { run: 'npm test' } }],
    },
  ],
  layout: { nodes: { check: { x: 0, y: 0 } } },
});

describe.skipIf(!available)('with the real node registry', () => {
  const registry = async (): Promise<NodeRegistry> => ((await import(generated.href)) as { nodeRegistry: NodeRegistry }).nodeRegistry;

  it('validates the DESIGN.md sketch without diagnostics', async () => {
    expect(validateWorkflow(sketch(), { registry: await registry() })).toEqual([]);
  });

  it('reports gate, loop and join problems under their own codes', async () => {
    const w = sketch();
    w.steps[2]!.with = { message: 'Ship?', approvers: ['role:runner'] };
    w.steps[5]!.with = { until: 'steps.test.outputs.exit_code == 0' };
    w.steps.push({ id: 'j', type: 'join', needs: ['too_risky', 'production'], with: { mode: 'n_of_m', count: 3 } });
    const ds = validateWorkflow(w, { registry: await registry() });
    expect(ds.map((d) => [d.code, d.stepId])).toEqual([
      ['GATE_NO_TIMEOUT', 'approve'],
      ['LOOP_NO_MAX_ITERATIONS', 'fix_until_green'],
      ['JOIN_IMPOSSIBLE_COUNT', 'j'],
    ]);
  });
});
