// Inputs: defaults consistent with the input's own constraints (enum values, number range,
// integer, string pattern), and the constraints consistent with themselves.
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { listNames } from '../suggest.ts';

export function checkInputs(workflow: Workflow, _ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  for (const [name, input] of Object.entries(workflow.inputs ?? {})) {
    const at = ['inputs', name];
    if (input.required && input.default !== undefined) {
      out.push(finding('INPUT_REQUIRED_WITH_DEFAULT', {
        message: `Input ${name} is required and also has a default, so it is never really required.`,
        hint: 'remove required: true (the default fills it in), or remove the default',
        path: [...at, 'required'],
      }));
    }
    switch (input.type) {
      case 'enum':
        if (input.default !== undefined && !input.values.includes(input.default)) {
          out.push(finding('INPUT_DEFAULT_NOT_IN_ENUM', {
            message: `Input ${name} defaults to "${input.default}", which is not one of its values.`,
            hint: `use one of ${listNames(input.values)}, or add "${input.default}" to values`,
            path: [...at, 'default'],
          }));
        }
        break;
      case 'number': {
        const { min, max } = input;
        if (min !== undefined && max !== undefined && min > max) {
          out.push(finding('INPUT_INVALID_RANGE', {
            message: `Input ${name} has min ${min} greater than max ${max}, so no value is allowed.`,
            hint: 'swap min and max, or fix one of them',
            path: [...at, 'min'],
          }));
        }
        const d = input.default;
        if (d === undefined) break;
        if ((min !== undefined && d < min) || (max !== undefined && d > max)) {
          out.push(finding('INPUT_DEFAULT_OUT_OF_RANGE', {
            message: `Input ${name} defaults to ${d}, outside its range ${min ?? '-∞'}…${max ?? '∞'}.`,
            hint: 'change the default, or widen min / max',
            path: [...at, 'default'],
          }));
        } else if (input.integer && !Number.isInteger(d)) {
          out.push(finding('INPUT_DEFAULT_OUT_OF_RANGE', {
            message: `Input ${name} defaults to ${d}, but it only accepts integers.`,
            hint: 'use a whole number as the default, or remove integer: true',
            path: [...at, 'default'],
          }));
        }
        break;
      }
      case 'string': {
        if (input.pattern === undefined) break;
        let pattern: RegExp;
        try {
          pattern = new RegExp(input.pattern, 'u');
        } catch (error) {
          out.push(finding('INPUT_INVALID_PATTERN', {
            message: `Input ${name} has pattern /${input.pattern}/, which is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}.`,
            hint: 'fix the regular expression (JavaScript syntax, unicode mode)',
            path: [...at, 'pattern'],
          }));
          break;
        }
        if (input.default !== undefined && !pattern.test(input.default)) {
          out.push(finding('INPUT_DEFAULT_PATTERN_MISMATCH', {
            message: `Input ${name} defaults to "${input.default}", which does not match its pattern /${input.pattern}/.`,
            hint: 'change the default or the pattern',
            path: [...at, 'default'],
          }));
        }
        break;
      }
    }
  }
  return out;
}
