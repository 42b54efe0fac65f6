// The published JSON Schema (public/schema/workflow.v1.json) is generated, committed, and
// must accept what the format accepts and reject what it rejects, node configs included.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { z } from 'zod';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_SCHEMA_ID, workflowJsonSchema, workflowJsonSchemaText } from '../../../../engine/format/json-schema.ts';
import { workflowSchema } from '../../../../engine/format/schema.ts';
import { createNodeRegistry, defineNode } from '../../../../engine/nodes/define-node.ts';
import { nodeDefinitions, nodeRegistry } from '../../../../nodes/registry.generated.ts';
import { expectedWorkflowSchema, workflowSchemaPath } from '../../../../scripts/gen-json-schema.ts';

const committed = readFileSync(workflowSchemaPath, 'utf8');
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(committed) as object);

const valid = {
  apiVersion: 'switchyard/v1',
  id: 'deploy-on-plan',
  name: 'Deploy on plan completion',
  inputs: { plan_id: { type: 'string', required: true }, confidence: { type: 'number', default: 0.9 } },
  steps: [
    { id: 'check', type: 'condition', with: { if: 'inputs.confidence > 0.8' } },
    {
      id: 'fix', type: 'loop', needs: ['check.true'],
      with: { until: 'steps.test.outputs.exit_code == 0', max_iterations: 3 },
      steps: [
        { id: 'implement', type: 'agent', with: { prompt: 'Make the tests pass.' } },
        { id: 'test', type: 'script', needs: ['implement'], with: { run: 'npm test' } },
      ],
    },
    { id: 'staging', type: 'script', needs: ['fix'], with: { run: './deploy.sh staging ${{ inputs.plan_id }}' }, retry: { attempts: 3, backoff: 'exponential' }, timeout: '10m' },
    { id: 'approve', type: 'gate', needs: ['staging'], with: { message: 'Ship ${{ inputs.plan_id }}?', approvers: ['role:runner'], quorum: 1, timeout: '60m', on_timeout: 'escalate', escalate_to: ['role:owner'] } },
    { id: 'announce', type: 'http', needs: ['approve.approved'], with: { method: 'POST', url: 'https://example.com/hooks', body: { plan: '${{ inputs.plan_id }}' } } },
  ],
  layout: { nodes: { check: { x: 0, y: 0 } } },
};

type Wf = typeof valid & Record<string, unknown>;
const edit = (change: (w: Wf) => void): unknown => { const w = structuredClone(valid) as Wf; change(w); return w; };
const step = (w: Wf, id: string) => w.steps.find((s) => s.id === id) as Record<string, unknown> & { with: Record<string, unknown> };

describe('public/schema/workflow.v1.json', () => {
  it('is what the format and the node types generate', () => {
    expect(committed, 'stale: run npm run schema:generate').toBe(expectedWorkflowSchema());
  });

  it('is deterministic, whatever the registry order', () => {
    const reversed = createNodeRegistry([...nodeDefinitions].reverse());
    expect(workflowJsonSchemaText(reversed)).toBe(workflowJsonSchemaText(nodeRegistry));
  });

  it('names itself and validates per node type', () => {
    const schema = workflowJsonSchema(nodeRegistry) as { $id: string; $defs: Record<string, unknown> };
    expect(schema.$id).toBe(WORKFLOW_SCHEMA_ID);
    for (const def of nodeRegistry.list()) expect(schema.$defs).toHaveProperty([`node.${def.type}`]);
  });

  it('accepts a valid workflow, as zod does', () => {
    expect(workflowSchema.safeParse(valid).success).toBe(true);
    expect(validate(valid), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['a wrong top-level key', edit((w) => { w.stages = ['a']; })],
    ['a gate without approvers', edit((w) => { delete step(w, 'approve').with.approvers; })],
    ['a gate without a timeout', edit((w) => { delete step(w, 'approve').with.timeout; })],
    ['a gate escalating to nobody', edit((w) => { delete step(w, 'approve').with.escalate_to; })],
    ['an http step with an unknown `with` key', edit((w) => { step(w, 'announce').with.verb = 'POST'; })],
    ['an http step without `with`', edit((w) => { delete (step(w, 'announce') as { with?: unknown }).with; })],
    ['a loop without max_iterations', edit((w) => { delete step(w, 'fix').with.max_iterations; })],
    ['a loop with both over and until', edit((w) => { step(w, 'fix').with.over = '${{ inputs.files }}'; })],
    ['a bad config inside a loop body', edit((w) => { (step(w, 'fix').steps as { with: Record<string, unknown> }[])[1]!.with.shell = 'zsh'; })],
    ['body steps under a non-container step', edit((w) => { step(w, 'staging').steps = []; })],
    ['an unknown node type', edit((w) => { step(w, 'staging').type = 'shell'; })],
    ['a loop with an empty body', edit((w) => { step(w, 'fix').steps = []; })],
    ['a number field holding text around a template', edit((w) => { step(w, 'approve').with.quorum = 'n${{ inputs.q }}'; })],
  ])('rejects %s', (_, workflow) => {
    expect(validate(workflow)).toBe(false);
  });

  it('accepts a template wherever the app does: any whole value, or text where content is checked', () => {
    const templated = edit((w) => {
      Object.assign(step(w, 'approve').with, { quorum: '${{ inputs.quorum }}', timeout: '${{ inputs.hours }}h', approvers: ['user:${{ inputs.owner }}'], on_timeout: '${{ inputs.policy }}' });
      Object.assign(step(w, 'announce').with, { method: '${{ inputs.method }}', allow_private: '${{ vars.internal }}', headers: '${{ vars.headers }}' });
      step(w, 'fix').with.max_iterations = '${{ inputs.attempts }}';
    });
    expect(validate(templated), JSON.stringify(validate.errors)).toBe(true);
  });

  it('checks `with` only for the current node version, and refuses a newer one', () => {
    // A throwaway version-2 node: v1 configs had `name`, v2 configs have `to`.
    const greet = defineNode({
      type: 'greet', version: 2, title: 'Greet', description: 'Says hello.', icon: 'hand', colour: '#000000', category: 'action', kind: 'action',
      docs: '', inputs: [{ id: 'in', label: 'In' }], outputs: [{ id: 'out', label: 'Out' }],
      config: z.strictObject({ to: z.string() }), migrations: [({ name, ...rest }) => ({ ...rest, to: name })],
    });
    // A fresh Ajv: the shared one already holds a schema with this $id.
    const check = new Ajv2020({ strict: false }).compile(workflowJsonSchema(createNodeRegistry([...nodeDefinitions, greet])));
    const withGreet = (s: Record<string, unknown>) => ({ ...valid, steps: [{ id: 'hello', type: 'greet', ...s }] });
    expect(check(withGreet({ with: { name: 'Ada' } })), 'v1 config, migrated on load').toBe(true);
    expect(check(withGreet({ version: 2, with: { to: 'Ada' } }))).toBe(true);
    expect(check(withGreet({ version: 2, with: { name: 'Ada' } }))).toBe(false);
    expect(check(withGreet({ version: 2 })), 'v2 needs `with`').toBe(false);
    expect(check(withGreet({ version: 3, with: { to: 'Ada' } })), 'newer than known').toBe(false);
  });
});
