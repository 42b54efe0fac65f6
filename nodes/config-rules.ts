// Cross-field rules for node configs ("exactly one of over / until", "count is required when
// mode is n_of_m"). z.toJSONSchema drops refinements, so a bare .superRefine would validate in
// the app but not in editors that only see the published JSON Schema. Each rule here is
// declared once and produces both: the zod check (with a message written for people) and the
// equivalent JSON Schema fragment, appended to the object's `allOf` through .meta().
import type { z } from 'zod';

type Config = Record<string, unknown>;

export interface ConfigRule {
  /** Returns the issue to report, or undefined when the config satisfies the rule. */
  check(config: Config): { message: string; path?: string[] } | undefined;
  /** The same rule for JSON Schema validators; omit only when JSON Schema cannot say it. */
  jsonSchema?: Record<string, unknown>;
}

/** Adds a rule to an object schema; the result is still the same ZodObject type. */
export function withRule<T extends z.ZodObject>(schema: T, rule: ConfigRule): T {
  const refined = schema.superRefine((value, ctx) => {
    const issue = rule.check(value as Config);
    if (issue) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path ?? [], input: value });
  });
  if (!rule.jsonSchema) return refined;
  const meta = refined.meta() ?? {};
  const allOf = Array.isArray(meta.allOf) ? meta.allOf : [];
  return refined.meta({ ...meta, allOf: [...allOf, rule.jsonSchema] });
}

/**
 * The same field schema, saying `message` when the field is missing instead of zod's
 * "expected string, received undefined". For the fields whose absence needs explaining.
 */
export function requiredField<T extends z.ZodType>(schema: T, message: string): T {
  const previous = schema.def.error as z.core.$ZodErrorMap | undefined;
  const error = (issue: z.core.$ZodRawIssue) => (issue.input === undefined ? message : previous?.(issue));
  const copy = schema.clone({ ...schema.def, error } as T['def']);
  // Metadata lives in a registry keyed by instance, so the copy needs it again.
  const meta = schema.meta();
  return meta ? copy.meta(meta) : copy;
}

const given = (config: Config, key: string) => config[key] !== undefined;

/** Exactly one of `keys` must be present. */
export function exactlyOneOf<T extends z.ZodObject>(schema: T, keys: readonly string[], message: string): T {
  return withRule(schema, {
    check: (c) => (keys.filter((k) => given(c, k)).length === 1 ? undefined : { message }),
    jsonSchema: { oneOf: keys.map((k) => ({ required: [k] })) },
  });
}

/**
 * `field` must be present when `when` has one of `values`. `field` must not have a default
 * (it would always be present after parsing), and no value in `values` may be the default of
 * `when` (JSON Schema only sees what the user wrote).
 */
export function requiredWhen<T extends z.ZodObject>(
  schema: T,
  when: string,
  values: readonly string[],
  field: string,
  message: string,
): T {
  return withRule(schema, {
    check: (c) => (values.includes(c[when] as string) && !given(c, field) ? { message, path: [field] } : undefined),
    jsonSchema: {
      if: { properties: { [when]: { enum: [...values] } }, required: [when] },
      then: { required: [field] },
    },
  });
}
