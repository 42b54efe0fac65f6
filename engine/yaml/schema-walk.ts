// Reading the zod schema itself, so that key orders, "did you mean" candidates and friendly
// messages come from the one definition of the format instead of copies that drift from it.
import { z } from 'zod';
import type { DocPath } from '../diagnostics.ts';

/** Strips optional/nullable/default/lazy wrappers down to the schema that does the work. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodLazy) current = current.unwrap() as z.ZodType;
    else return current;
  }
}

/** For a discriminated union, the option `value` selects by its discriminator; else the schema. */
export function resolveUnion(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  const s = unwrap(schema);
  if (!(s instanceof z.ZodDiscriminatedUnion)) return s;
  const discriminator = s.def.discriminator;
  const tag = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[discriminator] : undefined;
  for (const option of s.options as z.ZodType[]) {
    const o = unwrap(option);
    if (!(o instanceof z.ZodObject)) continue;
    const literal = o.shape[discriminator];
    if (literal instanceof z.ZodLiteral && literal.values.has(tag as never)) return o;
  }
  return undefined;
}

/** The schema for the value at `path` in `data`, when the path leads anywhere known. */
export function schemaAt(root: z.ZodType, data: unknown, path: DocPath): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  let value = data;
  for (const key of path) {
    if (!schema) return undefined;
    const s = resolveUnion(schema, value);
    if (s instanceof z.ZodObject) schema = (s.shape as Record<string, z.ZodType>)[String(key)];
    else if (s instanceof z.ZodRecord) schema = s.valueType as z.ZodType;
    else if (s instanceof z.ZodArray) schema = s.element as z.ZodType;
    else return undefined;
    value = typeof value === 'object' && value !== null ? (value as Record<string | number, unknown>)[key] : undefined;
  }
  return schema;
}

/** The keys an object schema declares, in declaration order; [] for anything else. */
export function declaredKeys(schema: z.ZodType | undefined, value?: unknown): string[] {
  const s = schema && resolveUnion(schema, value);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/**
 * The rule a string must follow, as its custom message ("must be a duration such as …"),
 * found by letting the schema reject an empty string. Undefined when the field has no
 * format of its own (plain text) or is not a string.
 */
export function formatRule(schema: z.ZodType | undefined): string | undefined {
  const s = schema && unwrap(schema);
  if (!(s instanceof z.ZodString)) return undefined;
  const issue = s.safeParse('').error?.issues[0];
  return issue?.code === 'invalid_format' && issue.message.startsWith('must') ? issue.message : undefined;
}
