import { describe, expect, it } from 'vitest';
import { coerce, fieldKind, labelOf, withField } from '../../../app/components/config-form/schema-fields.ts';
import { toNodeData } from '../../../engine/nodes/define-node.ts';
import { nodeRegistry } from '../../../nodes/registry.generated.ts';

describe('the generated config form', () => {
  it('picks a control for every property of every built-in node type', () => {
    const kinds = new Set<string>();
    for (const def of nodeRegistry.list()) {
      const schema = toNodeData(def).configSchema as { properties: Record<string, object> };
      for (const prop of Object.values(schema.properties)) kinds.add(fieldKind(prop));
    }
    // The built-ins exercise every control but the nested-object fieldset.
    expect([...kinds].sort()).toEqual(['boolean', 'enum', 'integer', 'json', 'list', 'map', 'multiline', 'text']);
  });

  it('chooses by schema', () => {
    expect(fieldKind({ type: 'string', enum: ['a', 'b'] })).toBe('enum');
    expect(fieldKind({ type: 'string', maxLength: 100_000 })).toBe('multiline');
    expect(fieldKind({ type: 'string', maxLength: 200 })).toBe('text');
    expect(fieldKind({ type: 'array', items: { type: 'integer' } })).toBe('list');
    expect(fieldKind({ type: 'array', items: { type: 'object' } })).toBe('json');
    expect(fieldKind({ type: 'object', additionalProperties: { type: 'string' } })).toBe('map');
    expect(fieldKind({ type: 'object', properties: { a: { type: 'string' } } })).toBe('object');
    expect(fieldKind({})).toBe('json');
  });

  it('labels keys for people', () => {
    expect(labelOf('max_turns')).toBe('Max turns');
    expect(labelOf('url')).toBe('URL');
    expect(labelOf('expect_status')).toBe('Expect status');
    expect(labelOf('token-user')).toBe('Token user');
  });

  it('keeps numbers typed as text readable, and drops cleared fields so defaults apply', () => {
    expect(coerce('integer', '201')).toBe(201);
    expect(coerce('integer', '2x')).toBe('2x');
    expect(coerce('text', '  ')).toBeUndefined();
    expect(withField({ a: 1, b: 2 }, 'a', undefined)).toEqual({ b: 2 });
    expect(withField({ a: 1 }, 'list', [])).toEqual({ a: 1 });
    expect(withField({ a: 1 }, 'map', {})).toEqual({ a: 1 });
    expect(withField({}, 'flag', false)).toEqual({ flag: false });
  });
});
