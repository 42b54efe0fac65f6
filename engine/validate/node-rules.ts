// What the validator knows about built-in control node types beyond their zod schemas:
// which config fields are expressions, which problems deserve a code of their own, and how a
// join decides when to fire. Keyed by type name (type names are unique in a registry).
import type { ValidationCode } from './codes.ts';
import type { StepEntry, WaitRule } from './graph.ts';

/**
 * Config fields that hold expressions rather than text. 'expression': a CEL expression
 * (a single `${{ }}` around it is tolerated); 'expression-or-template': a template when it
 * contains `${{`, an expression otherwise (loop `over`). Every other config string is text
 * with optional templates.
 */
export const EXPRESSION_FIELDS: Record<string, Record<string, 'expression' | 'expression-or-template'>> = {
  condition: { if: 'expression' },
  loop: { until: 'expression', over: 'expression-or-template' },
};

/**
 * Config fields evaluated after the container's body ran, so they may read the body's
 * steps (a loop's `until`: steps.test.outputs.passed) and `loop`.
 */
export const AFTER_BODY_FIELDS: Record<string, readonly string[]> = { loop: ['until'] };

export interface ControlProblem {
  code: ValidationCode;
  /** The top-level config field the problem is about; zod's issues for it are not reported again. */
  field?: string;
  message: string;
  hint: string;
  /** Where, relative to the step: ['with', 'count'], ['needs'], … */
  at: (string | number)[];
}

const absent = (v: unknown) => v === undefined || v === null || v === '';
const isTemplate = (v: unknown) => typeof v === 'string' && v.includes('${{');

/**
 * Problems of built-in control nodes that deserve a code of their own. They are reported
 * instead of (not as well as) the zod issue for the same field, so the message says why the
 * rule exists rather than "expected string, received undefined". `raw` is the step's config
 * as written (after migration).
 */
export function controlProblems(entry: StepEntry, raw: Record<string, unknown>): ControlProblem[] {
  const { step } = entry;
  const id = step.id;
  const out: ControlProblem[] = [];
  switch (step.type) {
    case 'gate': {
      if (absent(raw.approvers) || (Array.isArray(raw.approvers) && raw.approvers.length === 0)) {
        out.push({
          code: 'GATE_NO_APPROVERS', field: 'approvers', at: raw.approvers === undefined ? ['with'] : ['with', 'approvers'],
          message: `Gate ${id} names no approvers, so nobody could ever approve or reject it.`,
          hint: 'add approvers, e.g. approvers: [role:runner] or [user:ada@example.com]',
        });
      }
      if (absent(raw.timeout)) {
        out.push({
          code: 'GATE_NO_TIMEOUT', field: 'timeout', at: raw.timeout === undefined ? ['with'] : ['with', 'timeout'],
          message: `Gate ${id} has no timeout: a human gate must time out so that its run always ends.`,
          hint: 'add timeout (e.g. timeout: 24h) and choose on_timeout: cancel, proceed or escalate',
        });
      }
      break;
    }
    case 'loop': {
      if (absent(raw.max_iterations)) {
        out.push({
          code: 'LOOP_NO_MAX_ITERATIONS', field: 'max_iterations', at: ['with'],
          message: `Loop ${id} has no max_iterations: every loop must be bounded.`,
          hint: 'add max_iterations (1–1000), e.g. max_iterations: 3',
        });
      }
      break;
    }
    case 'join': {
      const needs = new Set(step.needs ?? []).size;
      if (raw.mode === 'n_of_m' && !isTemplate(raw.count)) {
        const count = raw.count;
        if (count === undefined) {
          out.push({
            code: 'JOIN_IMPOSSIBLE_COUNT', field: 'count', at: ['with'],
            message: `Join ${id} waits for n_of_m of its needs but does not say how many (count).`,
            hint: `add count: how many of its ${needs} needs must complete, e.g. count: ${Math.max(1, needs - 1)}`,
          });
        } else if (typeof count === 'number' && (count < 1 || count > needs)) {
          out.push({
            code: 'JOIN_IMPOSSIBLE_COUNT', field: 'count', at: ['with', 'count'],
            message: count < 1
              ? `Join ${id} waits for ${count} of its needs, but count must be at least 1.`
              : `Join ${id} waits for ${count} of its needs, but it has only ${needs}, so it can never fire.`,
            hint: needs > 1 ? `set count between 1 and ${needs}, or add the missing branches to needs` : 'add the branches to wait for to needs, then set count',
          });
        }
      }
      if (needs < 2) {
        out.push({
          code: 'JOIN_SINGLE_INPUT', at: step.needs ? ['needs'] : [],
          message: `Join ${id} has ${needs === 0 ? 'no needs' : 'only one need'}, so there is nothing to join.`,
          hint: 'add the branches to join to its needs, or remove the join',
        });
      }
      break;
    }
  }
  return out;
}

/** How many needs a step waits for: joins in mode any / n_of_m fire early; everything else waits for all. */
export function waitRuleOf(entry: StepEntry): WaitRule {
  if (entry.step.type !== 'join') return { mode: 'all' };
  const mode = entry.step.with?.mode;
  const count = entry.step.with?.count;
  if (mode === 'any') return { mode: 'any' };
  if (mode === 'n_of_m' && typeof count === 'number') return { mode: 'n', count };
  return { mode: 'all' };
}
