// Every built-in node is at version 1, so this throwaway type proves the migration path:
// a step saved with an older config is upgraded, one version at a time, on load.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineNode, migrateConfig, NodeDefinitionError, type NodeDefinition } from '../../../engine/nodes/define-node.ts';

const base: Omit<NodeDefinition, 'version' | 'config' | 'migrations'> = {
  type: 'greet', title: 'Greet', description: 'Says hello.', icon: 'hand', colour: '#000000',
  category: 'action', kind: 'action', docs: '', inputs: [{ id: 'in', label: 'In' }], outputs: [{ id: 'out', label: 'Out' }],
};

// v1 had `name: string`; v2 split it into a list of recipients and made the greeting explicit.
const greetV2 = defineNode({
  ...base,
  version: 2,
  config: z.strictObject({ to: z.array(z.string()).min(1), greeting: z.string().default('Hello') }),
  migrations: [({ name, ...rest }) => ({ ...rest, to: [name] })],
});

describe('migrateConfig', () => {
  it('upgrades a version-1 config to the current version', () => {
    const migrated = migrateConfig(greetV2, { name: 'Ada' }, 1);
    expect(migrated).toEqual({ to: ['Ada'] });
    expect(greetV2.config.parse(migrated)).toEqual({ to: ['Ada'], greeting: 'Hello' });
  });

  it('treats an omitted version as 1, and leaves a current config alone', () => {
    expect(migrateConfig(greetV2, { name: 'Ada' })).toEqual({ to: ['Ada'] });
    const current = { to: ['Ada'], greeting: 'Hi' };
    expect(migrateConfig(greetV2, current, 2)).toBe(current);
  });

  it('refuses a definition whose migrations do not match its version', () => {
    expect(() => defineNode({ ...base, version: 2, config: z.strictObject({}) })).toThrow(NodeDefinitionError);
    expect(() => defineNode({ ...base, version: 1, config: z.strictObject({}), migrations: [(c) => c] })).toThrow('needs exactly 0 migration(s)');
  });
});
