// A small, self-contained node registry shaped like the built-in control and action nodes
// (condition, gate, join, loop, parallel, script, http), and helpers to build workflows.
import { z } from 'zod';
import type { Diagnostic } from '../../../../engine/diagnostics.ts';
import { durationSchema } from '../../../../engine/format/duration.ts';
import { API_VERSION, expressionSchema, workflowSchema, type Step, type Workflow } from '../../../../engine/format/schema.ts';
import { createNodeRegistry, defineNode, type NodeDefinition } from '../../../../engine/nodes/define-node.ts';
import { validateWorkflow } from '../../../../engine/validate/index.ts';

const common = { description: 'test node', icon: 'box', colour: '#000', docs: '', inputs: [{ id: 'in', label: 'In' }] };
const out = [{ id: 'out', label: 'Out' }];

const condition = defineNode({
  ...common, type: 'condition', version: 1, title: 'Condition', category: 'control', kind: 'control',
  outputs: [{ id: 'true', label: 'True' }, { id: 'false', label: 'False' }],
  config: z.strictObject({ if: expressionSchema.meta({ description: 'CEL expression' }) }),
});

const approvers = z.array(z.string().regex(/^(user:\S+|role:\w+)$/)).min(1);
const gate = defineNode({
  ...common, type: 'gate', version: 1, title: 'Approval gate', category: 'control', kind: 'control',
  outputs: [{ id: 'approved', label: 'Approved' }, { id: 'rejected', label: 'Rejected' }],
  config: z.strictObject({
    message: z.string().min(1),
    approvers,
    quorum: z.number().int().min(1).default(1),
    timeout: durationSchema,
    on_timeout: z.enum(['proceed', 'cancel', 'escalate']).default('cancel'),
    escalate_to: approvers.optional(),
  }),
});

const join = defineNode({
  ...common, type: 'join', version: 1, title: 'Join', category: 'control', kind: 'control', outputs: out,
  config: z.strictObject({
    mode: z.enum(['all', 'any', 'n_of_m']).default('all'),
    count: z.number().int().min(1).optional(),
  }).superRefine((c, ctx) => {
    if (c.mode === 'n_of_m' && c.count === undefined) ctx.addIssue({ code: 'custom', message: 'mode n_of_m needs `count`', path: ['count'] });
  }),
});

const loop = defineNode({
  ...common, type: 'loop', version: 1, title: 'Loop', category: 'control', kind: 'control', container: true, outputs: out,
  config: z.strictObject({
    over: z.string().min(1).optional(),
    until: expressionSchema.optional(),
    parallelism: z.number().int().min(1).max(100).default(1),
    max_iterations: z.number().int().min(1).max(1000),
  }).superRefine((c, ctx) => {
    if ((c.over === undefined) === (c.until === undefined)) ctx.addIssue({ code: 'custom', message: 'a loop needs exactly one of `over` or `until`', path: [] });
  }),
});

const parallel = defineNode({
  ...common, type: 'parallel', version: 1, title: 'Parallel', category: 'control', kind: 'control', outputs: out, config: z.strictObject({}),
});

const script = defineNode({
  ...common, type: 'script', version: 1, title: 'Script', category: 'action', kind: 'action', outputs: out,
  config: z.strictObject({
    run: z.string().min(1).meta({ description: 'The shell command to run' }),
    timeout_s: z.number().int().min(1).optional(),
    shell: z.boolean().default(false),
    env: z.record(z.string(), z.string()).optional(),
  }),
});

// Version 2 renamed `uri` to `url`.
const http = defineNode({
  ...common, type: 'http', version: 2, title: 'HTTP request', category: 'integration', kind: 'action', outputs: out,
  config: z.strictObject({
    url: z.string().regex(/^https?:\/\//, 'must start with http:// or https://'),
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).default('GET'),
    retries: z.number().int().min(0).max(10).optional(),
  }),
  migrations: [({ uri, ...rest }) => ({ ...rest, ...(uri !== undefined ? { url: uri } : {}) })],
});

export const testNodes: NodeDefinition[] = [condition, gate, join, loop, parallel, script, http];
export const registry = createNodeRegistry(testNodes);

/** A schema-valid workflow (throws when a test builds one that is not). */
export function wf(steps: Step[], extra: Partial<Omit<Workflow, 'steps'>> = {}): Workflow {
  return workflowSchema.parse({ apiVersion: API_VERSION, id: 'test', name: 'Test', ...extra, steps });
}

export const sh = (id: string, more: Partial<Step> = {}): Step => ({ id, type: 'script', with: { run: `echo ${id}` }, ...more });

export function validate(workflow: Workflow): Diagnostic[] {
  return validateWorkflow(workflow, { registry });
}

export const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
