// A node's circuit breaker spec is checked when the node is defined, and never leaves the
// server: the browser's copy of a definition (toNodeData) is plain data.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineNode, NodeDefinitionError, toNodeData, type NodeDefinition } from '../../../engine/nodes/define-node.ts';

const base: Omit<NodeDefinition, 'breaker'> = {
  type: 'call', version: 1, title: 'Call', description: 'Calls a host.', icon: 'globe', colour: '#000000',
  category: 'action', kind: 'action', docs: '', inputs: [{ id: 'in', label: 'In' }], outputs: [{ id: 'out', label: 'Out' }],
  config: z.strictObject({ host: z.string().default('example.test') }),
};

describe('breaker specs', () => {
  it('accepts a key function with durations, and keeps it out of the browser data', () => {
    const def = defineNode({ ...base, breaker: { key: (c: { host: string }) => c.host, failures: 2, window: '30s', openFor: '1m' } });
    expect(def.breaker?.key({ host: 'a.test' })).toBe('a.test');
    expect(JSON.stringify(toNodeData(def))).not.toContain('breaker');
  });

  it('refuses bad thresholds and durations, naming the field', () => {
    expect(() => defineNode({ ...base, breaker: { key: () => 'x', failures: 0 } })).toThrow(NodeDefinitionError);
    expect(() => defineNode({ ...base, breaker: { key: () => 'x', window: 'soon' } })).toThrow(/breaker.window must be a duration/);
    expect(() => defineNode({ ...base, breaker: { key: 'host' as never } })).toThrow(/breaker.key must be a function/);
  });
});
