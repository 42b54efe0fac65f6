// Small action node types for engine tests (the real action nodes arrive with their own
// issue). Their behaviour lives in the test's invoker; these are only their definitions.
import { z } from 'zod';
import { createNodeRegistry, defineNode, type NodeRegistry } from '../../engine/nodes/define-node.ts';
import { nodeDefinitions } from '../../nodes/registry.generated.ts';

const port = [{ id: 'in', label: 'In' }];
const out = [{ id: 'out', label: 'Out' }];
const base = { version: 1, icon: 'flask', colour: '#888', category: 'action' as const, kind: 'action' as const, inputs: port, outputs: out, docs: 'test only' };

export const echoNode = defineNode({
  ...base, type: 'echo', title: 'Echo', description: 'Returns its value.',
  config: z.strictObject({ value: z.unknown().optional(), label: z.string().optional() }),
});

export const failNode = defineNode({
  ...base, type: 'fail', title: 'Fail', description: 'Fails a given number of times, then succeeds.',
  config: z.strictObject({ times: z.number().int().min(0).default(1_000_000), retryable: z.boolean().default(true) }),
});

export const waitNode = defineNode({
  ...base, type: 'wait', title: 'Wait', description: 'Runs until released by the test or aborted.',
  config: z.strictObject({ name: z.string().optional() }),
});

export const chattyNode = defineNode({
  ...base, type: 'chatty', title: 'Chatty', description: 'Prints numbered lines to stdout, stderr and its log; may then fail, or wait until released.',
  config: z.strictObject({
    lines: z.number().int().min(0).default(10),
    text: z.string().default('line'),
    /** Attempts up to this one fail after printing. */
    failTimes: z.number().int().min(0).default(0),
    /** Print from a child process whose pipes go straight into ctx.stdout / ctx.stderr. */
    child: z.boolean().default(false),
    /** After printing, wait until the test releases the step (like `wait`). */
    hold: z.boolean().default(false),
  }),
});

/** Calls a named target that is down while the test says so; has a circuit breaker per target. */
export const flakyNode = defineNode({
  ...base, type: 'flaky', title: 'Flaky', description: 'Fails while its target is marked down.',
  config: z.strictObject({ target: z.string().default('api.example.test'), fatal: z.boolean().default(false) }),
  breaker: { key: (config) => config.target, failures: 3, window: '1m', openFor: '1s' },
  summary: 'call ${{ config.target }}',
});

/** Uses one part of its ctx per config field: a secret, an artifact, a program. */
export const probeNode = defineNode({
  ...base, type: 'probe', title: 'Probe', description: 'Reads a secret, stores an artifact or runs a program through ctx.',
  config: z.strictObject({
    secret: z.string().optional(),
    artifact: z.string().optional(),
    text: z.string().default(''),
    command: z.string().optional(),
    args: z.array(z.string()).default([]),
  }),
});

export function testRegistry(): NodeRegistry {
  return createNodeRegistry([...nodeDefinitions, echoNode, failNode, waitNode, chattyNode, flakyNode, probeNode]);
}
