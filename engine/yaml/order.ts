// Canonical key order for writing, read from the schema: top-level keys as TOP_LEVEL_KEYS
// (layout last), step keys as declared (id, name, type, …, outputs, steps), triggers type
// then id then as declared, inputs type, label, description, required, default, then as
// declared. Records — with, vars, outputs, inputs, layout.nodes, trigger inputs — are user
// data and keep their insertion order. `note` and `notes` are left out: they become comments.
import { z } from 'zod';
import { inputSchema, TOP_LEVEL_KEYS, triggerSchema, workflowSchema, type Workflow } from '../format/schema.ts';
import { resolveUnion } from './schema-walk.ts';

const LEADING_KEYS = new Map<z.ZodType, readonly string[]>([
  [workflowSchema, TOP_LEVEL_KEYS],
  ...triggerSchema.options.map((o) => [o, ['type', 'id']] as const),
  ...inputSchema.options.map((o) => [o, ['type', 'label', 'description', 'required', 'default']] as const),
]);

const COMMENT_KEYS = new Set(['note', 'notes']);

/** A copy of `workflow` with keys in canonical order and notes removed. */
export function canonicalOrder(workflow: Workflow): Record<string, unknown> {
  return ordered(workflow, workflowSchema) as Record<string, unknown>;
}

function ordered(value: unknown, schema: z.ZodType | undefined): unknown {
  if (!schema || value === null || typeof value !== 'object') return value;
  const s = resolveUnion(schema, value);
  if (Array.isArray(value)) return s instanceof z.ZodArray ? value.map((item) => ordered(item, s.element as z.ZodType)) : value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (s instanceof z.ZodRecord) {
    for (const [key, item] of Object.entries(source)) if (item !== undefined) out[key] = ordered(item, s.valueType as z.ZodType);
    return out;
  }
  if (!(s instanceof z.ZodObject)) return value; // z.unknown() and friends: user data as is
  const shape = s.shape as Record<string, z.ZodType>;
  const declared = Object.keys(shape);
  const leading = LEADING_KEYS.get(s) ?? [];
  const keys = [...leading, ...declared.filter((k) => !leading.includes(k))];
  for (const key of keys) {
    if (!COMMENT_KEYS.has(key) && Object.hasOwn(source, key) && source[key] !== undefined) out[key] = ordered(source[key], shape[key]);
  }
  // Keys the schema does not know (only in invalid input) are kept, after the known ones.
  for (const [key, item] of Object.entries(source)) if (!Object.hasOwn(shape, key) && item !== undefined) out[key] = item;
  return out;
}
