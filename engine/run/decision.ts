// The scheduler's shared vocabulary: the actions a decision asks for, the builder that folds
// each emitted event into a working state (so later choices in one decision see earlier
// ones), and the expression data a step sees.
import { compileExpression, evaluateCondition, type ExpressionContext } from '../expressions/index.ts';
import type { RunEvent, StepError } from './events.ts';
import { apply } from './reducer.ts';
import type { RunState } from './state.ts';

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
  | { step: string; iteration?: string; attempt: number; ok: true; output: unknown }
  | { step: string; iteration?: string; attempt: number; ok: false; error: StepError; aborted?: boolean };

export function expressionData(state: RunState, base: ExpressionContext = {}): ExpressionContext {
  const steps: Record<string, unknown> = {};
  for (const s of state.steps.values()) {
    if (s.iteration) continue;
    steps[s.step] = { status: s.status, outputs: isRecord(s.output) ? s.output : {}, ...(s.error ? { error: s.error } : {}) };
  }
  return { ...base, inputs: state.inputs, vars: state.vars, steps };
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
  constructor(public state: RunState) {}
  emit(e: RunEvent): void {
    this.events.push(e);
    this.state = apply(this.state, e);
  }
}

export function running(state: RunState): number {
  let n = 0;
  for (const s of state.steps.values()) if (s.status === 'running') n++;
  return n;
}

export function dedupeWakes(b: Decision): Decision {
  const wakes = b.actions.filter((a): a is Extract<Action, { kind: 'wake' }> => a.kind === 'wake');
  if (wakes.length <= 1) return b;
  const earliest = wakes.reduce((m, w) => (w.at < m.at ? w : m));
  return { events: b.events, actions: [...b.actions.filter((a) => a.kind !== 'wake'), earliest] };
}
