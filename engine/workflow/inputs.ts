// Run inputs: a workflow's `inputs:` declarations become one zod schema, so the run form, the
// API, the CLI and triggers all check a run's inputs the same way, defaults included.
import { z } from 'zod';
import type { Workflow, WorkflowInput } from '../format/schema.ts';

function fieldSchema(input: WorkflowInput): z.ZodType {
  switch (input.type) {
    case 'string': {
      let s = z.string();
      if (input.pattern) {
        try { s = s.regex(new RegExp(input.pattern), `must match ${input.pattern}`); } catch { /* the validator reports bad patterns */ }
      }
      return s;
    }
    case 'number': {
      let n = input.integer ? z.number().int() : z.number();
      if (input.min !== undefined) n = n.min(input.min);
      if (input.max !== undefined) n = n.max(input.max);
      return n;
    }
    case 'boolean': return z.boolean();
    case 'enum': return z.enum(input.values as [string, ...string[]]);
    case 'object': return z.record(z.string(), z.unknown());
  }
}

export function inputsSchema(workflow: Workflow): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, input] of Object.entries(workflow.inputs ?? {})) {
    const field = fieldSchema(input);
    shape[name] = input.default !== undefined ? field.default(input.default as never) : input.required ? field : field.optional();
  }
  return z.strictObject(shape);
}

/**
 * Form and CLI values arrive as text: "3" for a number, "true" for a boolean, JSON for an
 * object. This turns them into typed values where the declaration says so.
 */
export function coerceInputs(workflow: Workflow, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const [name, input] of Object.entries(workflow.inputs ?? {})) {
    const v = raw[name];
    if (typeof v !== 'string') continue;
    if (input.type === 'number' && v.trim() !== '' && !Number.isNaN(Number(v))) out[name] = Number(v);
    else if (input.type === 'boolean' && (v === 'true' || v === 'false')) out[name] = v === 'true';
    else if (input.type === 'object') { try { out[name] = JSON.parse(v); } catch { /* left as text: the schema says why */ } }
  }
  return out;
}
