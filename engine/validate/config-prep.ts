// A step's `with`, migrated to its node type's current version and parsed with the node's
// zod schema — once per step, shared by the config check and the control-node checks.
//
// Templates. A config string may hold `${{ }}` templates, resolved only at run time:
//   - a value that is exactly one template ("${{ inputs.count }}") could become any type, so
//     before parsing we put a placeholder of a type the field accepts in its place (found by
//     trying a few candidate values against the field's own schema, enum options included).
//     Substituting rather than filtering afterwards lets the object's cross-field rules (zod
//     refinements, which zod skips when any field failed) still run on the rest;
//   - whatever issue is still reported at or under a templated value is dropped: its real
//     value is not known statically. The runner validates the resolved config again.
// A text-with-template string ("v${{ inputs.n }}") is a string at run time, so a type error
// there (a number field) is still reported; only content checks (format, length, enum) are
// dropped for it.
import type { z } from 'zod';
import type { Step } from '../format/schema.ts';
import { migrateConfig, type NodeDefinition } from '../nodes/define-node.ts';
import { templateShape } from './templates.ts';

export type ConfigPath = (string | number)[];

export interface ConfigIssue {
  /** Relative to the step's `with`. */
  path: ConfigPath;
  /** zod's issue code: invalid_type, unrecognized_keys, custom, … */
  code: string;
  message: string;
  /** For unrecognized_keys. */
  keys?: string[];
  expected?: string;
}

export interface StepConfig {
  def: NodeDefinition;
  /** The version the step's config was written for (step.version, default 1). */
  fromVersion: number;
  /** `with` after migration to def.version (the document's `with` when no migration ran). */
  raw: Record<string, unknown>;
  /** The parsed config, defaults applied, when it is valid. */
  data?: Record<string, unknown>;
  /** zod's issues, minus those caused only by templates. */
  issues: ConfigIssue[];
  /** A config migration threw. */
  migrationError?: string;
}

interface ZodInternals { _zod: { def: Record<string, unknown> & { type: string } } }
const defOf = (schema: unknown) => (schema as ZodInternals)._zod.def;

/**
 * The schemas at `path` inside `schema`: the outermost (which may carry the description) to
 * the innermost, through optional / default / pipe / … wrappers; [] when ambiguous (unions).
 */
export function schemaChainAt(schema: z.ZodType, path: ConfigPath): z.ZodType[] {
  let current: z.ZodType | undefined = schema;
  let chain: z.ZodType[] = [];
  let rest = [...path];
  for (let guard = 0; current && guard < 200; guard++) {
    chain.push(current);
    const def = defOf(current);
    switch (def.type) {
      case 'optional': case 'nullable': case 'default': case 'prefault': case 'catch': case 'readonly': case 'nonoptional':
        current = def.innerType as z.ZodType; continue;
      case 'pipe': current = def.in as z.ZodType; continue;
      case 'lazy': current = (def.getter as () => z.ZodType)(); continue;
    }
    if (rest.length === 0) return chain;
    const [key, ...tail] = rest;
    rest = tail;
    chain = [];
    if (def.type === 'object' && typeof key === 'string') current = (def.shape as Record<string, z.ZodType>)[key];
    else if (def.type === 'array' && typeof key === 'number') current = def.element as z.ZodType;
    else if (def.type === 'record' && typeof key === 'string') current = def.valueType as z.ZodType;
    else if (def.type === 'tuple' && typeof key === 'number') current = (def.items as z.ZodType[])[key];
    else return [];
  }
  return [];
}

/** The innermost schema of the value at `path`. */
export function schemaAt(schema: z.ZodType, path: ConfigPath): z.ZodType | undefined {
  const chain = schemaChainAt(schema, path);
  return chain[chain.length - 1];
}

const CANDIDATES: unknown[] = [1, true, 0, false, 200, 60, 1000, 0.5, -1, '1m', 'x', 'x@example.com', 'https://example.com', 'user:x', [], {}];

function enumOptions(schema: z.ZodType): unknown[] {
  const def = defOf(schema);
  if (def.type === 'enum') return Object.values(def.entries as Record<string, unknown>);
  if (def.type === 'literal') return [...(def.values as unknown[])];
  return [];
}

/** A value the field's schema accepts, to stand in for a template. */
function placeholderFor(schema: z.ZodType | undefined): { value: unknown } | undefined {
  if (!schema) return undefined;
  for (const candidate of [...enumOptions(schema), ...CANDIDATES]) {
    if (schema.safeParse(candidate).success) return { value: candidate };
  }
  return undefined;
}

const startsWith = (path: ConfigPath, prefix: ConfigPath) => prefix.length <= path.length && prefix.every((k, i) => path[i] === k);

const CONTENT_CODES = new Set(['invalid_format', 'too_small', 'too_big', 'invalid_value', 'not_multiple_of', 'custom']);

export function prepareConfig(def: NodeDefinition, step: Step): StepConfig {
  const fromVersion = step.version ?? 1;
  const given = step.with ?? {};
  let raw: Record<string, unknown>;
  try {
    raw = migrateConfig(def, given, fromVersion);
  } catch (error) {
    return { def, fromVersion, raw: given, issues: [], migrationError: error instanceof Error ? error.message : String(error) };
  }

  // Find templated strings; substitute placeholders where the field rejects the template text.
  const whole: ConfigPath[] = [];
  const partial: ConfigPath[] = [];
  const walk = (value: unknown, path: ConfigPath) => {
    if (typeof value === 'string') {
      const shape = templateShape(value);
      if (shape === 'whole') whole.push(path);
      else if (shape === 'partial') partial.push(path);
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(raw, []);

  let input: unknown = raw;
  for (const path of whole) {
    const field = schemaAt(def.config, path);
    const current = getAt(input, path);
    if (!field || field.safeParse(current).success) continue;
    const placeholder = placeholderFor(field);
    if (placeholder) input = setAt(input, path, placeholder.value);
  }

  const result = def.config.safeParse(input);
  if (result.success) return { def, fromVersion, raw, data: result.data as Record<string, unknown>, issues: [] };

  const issues: ConfigIssue[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    if (whole.some((p) => startsWith(path, p))) continue;
    if (CONTENT_CODES.has(issue.code) && partial.some((p) => startsWith(path, p))) continue;
    const out: ConfigIssue = { path, code: issue.code, message: issue.message };
    if (issue.code === 'unrecognized_keys') out.keys = issue.keys;
    if (issue.code === 'invalid_type') out.expected = issue.expected;
    issues.push(out);
  }
  return { def, fromVersion, raw, issues };
}

export function getAt(value: unknown, path: ConfigPath): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** A copy of `value` with `path` set, copying only along the path. */
function setAt(value: unknown, path: ConfigPath, next: unknown): unknown {
  if (path.length === 0) return next;
  const [key, ...rest] = path as [string | number, ...ConfigPath];
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[key as number] = setAt(copy[key as number], rest, next);
    return copy;
  }
  const obj = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return { ...obj, [key]: setAt(obj[key], rest, next) };
}
