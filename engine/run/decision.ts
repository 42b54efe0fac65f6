// The scheduler's shared vocabulary: the actions a decision asks for, the builder that folds
// each emitted event into a working state (so later choices in one decision see earlier
// ones), and the expression data a step sees.
import { compileExpression, evaluateCondition, type ExpressionContext } from '../expressions/index.ts';
import type { RunEvent, StepError } from './events.ts';
import { apply, ownedCopy } from './reducer.ts';
import type { RunPlan } from './plan.ts';
import type { RunState, StepState } from './state.ts';

export type Action =
  | { kind: 'start'; step: string; iteration: string; attempt: number }
  | { kind: 'abort'; step: string; iteration: string; reason: string }
  | { kind: 'wake'; at: string };

export interface Decision { events: RunEvent[]; actions: Action[] }

export interface SchedulerOptions {
  now: Date;
  /** Most action steps of this run running at once. */
  maxParallel?: number;
  /** Expression data besides inputs, vars and steps: run, trigger, secrets. */
  base?: ExpressionContext;
  random?: () => number;
}

export type StepResult =
  | { step: string; iteration?: string; attempt: number; ok: true; output: unknown; input?: unknown }
  | { step: string; iteration?: string; attempt: number; ok: false; error: StepError; aborted?: boolean; input?: unknown };

const view = (s: StepState) => ({ status: s.status, outputs: isRecord(s.output) ? s.output : {}, ...(s.error ? { error: s.error } : {}) });

/**
 * What expressions of a step see. Outside loops, `steps.<body step>` is its latest iteration
 * (a finished loop's last); inside a loop body (`where.iteration` set), siblings are this
 * iteration's instances and `loop` holds item, index (0-based) and iteration (1-based).
 */
export function expressionData(state: RunState, base: ExpressionContext = {}, where?: { plan: RunPlan; step: string; iteration: string }): ExpressionContext {
  const steps: Record<string, unknown> = {};
  const latest = new Map<string, StepState>();
  for (const s of state.steps.values()) {
    if (!s.iteration) { steps[s.step] = view(s); continue; }
    const prev = latest.get(s.step);
    if (!prev || Number(s.iteration) > Number(prev.iteration)) latest.set(s.step, s);
  }
  for (const [id, s] of latest) steps[id] = view(s);
  const data: Record<string, unknown> = { ...base, inputs: state.inputs, vars: state.vars, steps };
  const loopId = where?.iteration ? where.plan.nodes.get(where.step)?.parent : undefined;
  if (where && loopId) {
    for (const s of state.steps.values()) if (s.iteration === where.iteration && where.plan.nodes.get(s.step)?.parent === loopId) steps[s.step] = view(s);
    const index = Number(where.iteration);
    const items = state.steps.get(loopId)?.items;
    data.loop = { index, iteration: index + 1, ...(items ? { item: items[index] ?? null } : {}) };
  }
  return data;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function exprError(message: string, code = 'EXPRESSION'): StepError {
  return { code, message, retryable: false };
}

/** Evaluates a condition; a broken or non-boolean one is a step failure, not a crash. */
export function condition(source: string, data: ExpressionContext): { ok: true; value: boolean } | { ok: false; error: StepError } {
  const compiled = compileExpression(source);
  if (!compiled.ok) return { ok: false, error: exprError(compiled.error.message, compiled.error.code) };
  const result = evaluateCondition(compiled.expr, data);
  return result.ok ? { ok: true, value: result.value } : { ok: false, error: exprError(result.error.message, result.error.code) };
}

export class Builder {
  events: RunEvent[] = [];
  actions: Action[] = [];
  state: RunState;
  constructor(state: RunState) { this.state = ownedCopy(state); }
  emit(e: RunEvent): void {
    this.events.push(e);
    this.state = apply(this.state, e, this.state.seq + 1, true);
  }
}

/** Running action steps (a running loop is not a process, so it does not count). */
export function running(state: RunState, plan?: RunPlan): number {
  let n = 0;
  for (const s of state.steps.values()) if (s.status === 'running' && !plan?.nodes.get(s.step)?.def.container) n++;
  return n;
}

export function dedupeWakes(b: Decision): Decision {
  const wakes = b.actions.filter((a): a is Extract<Action, { kind: 'wake' }> => a.kind === 'wake');
  if (wakes.length <= 1) return b;
  const earliest = wakes.reduce((m, w) => (w.at < m.at ? w : m));
  return { events: b.events, actions: [...b.actions.filter((a) => a.kind !== 'wake'), earliest] };
}
