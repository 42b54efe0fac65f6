// The scheduler's shared vocabulary: the actions a decision asks for, the builder that folds
// each emitted event into a working state (so later choices in one decision see earlier
// ones), and the expression data a step sees.
import { compileExpression, evaluateCondition, type ExpressionContext } from '../expressions/index.ts';
import type { RunEvent, StepError } from './events.ts';
import { apply, ownedCopy } from './reducer.ts';
import type { RunPlan } from './plan.ts';
import { stepKey, type RunState, type StepState } from './state.ts';

export type Action =
  | { kind: 'start'; step: string; iteration: string; attempt: number }
  | { kind: 'abort'; step: string; iteration: string; reason: string }
  | { kind: 'wake'; at: string };

/** `state`, when set, is the state after `events` (a decision made on an owned state). */
export interface Decision { events: RunEvent[]; actions: Action[]; state?: RunState }

export interface SchedulerOptions {
  now: Date;
  /** Most action steps of this run running at once. */
  maxParallel?: number;
  /** Expression data besides inputs, vars and steps: run, trigger, secrets. */
  base?: ExpressionContext;
  random?: () => number;
  /**
   * The caller gives the state up: the decision may update it in place instead of copying it,
   * and returns it as `state`. The executor does this (it replaces its state with the result);
   * copying every step's state per decision made a run O(n²).
   */
  owned?: boolean;
  /**
   * The steps whose state changed since the previous decision (the executor knows: it journaled
   * the events). Only they and what depends on them are looked at, instead of every step. Absent:
   * look at everything (the first decision, timers, run-level changes).
   */
  changed?: Iterable<string>;
}

export type StepResult =
  | { step: string; iteration?: string; attempt: number; ok: true; output: unknown; input?: unknown }
  | { step: string; iteration?: string; attempt: number; ok: false; error: StepError; aborted?: boolean; input?: unknown };

const view = (s: StepState) => ({ status: s.status, outputs: isRecord(s.output) ? s.output : {}, ...(s.error ? { error: s.error } : {}) });

/** Orders iteration keys ("2" < "10", "1/9" < "2/0"). */
function laterIteration(a: string, b: string): boolean {
  const x = a.split('/').map(Number);
  const y = b.split('/').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) > (y[i] ?? -1);
  }
  return false;
}

/**
 * What expressions of a step see. Outside loops, `steps.<body step>` is its latest iteration
 * (a finished loop's last); inside a loop body (`where.iteration` set), the steps of each
 * enclosing iteration are that iteration's instances, and `loop` holds the innermost loop's
 * item, index (0-based) and iteration (1-based) — with `loop.parent` the same for the loop
 * around it, and so on outwards.
 */
export function expressionData(state: RunState, base: ExpressionContext = {}, where?: { plan: RunPlan; step: string; iteration: string }): ExpressionContext {
  const steps: Record<string, unknown> = {};
  const latest = new Map<string, StepState>();
  for (const s of state.steps.values()) {
    if (!s.iteration) { steps[s.step] = view(s); continue; }
    const prev = latest.get(s.step);
    if (!prev || laterIteration(s.iteration, prev.iteration)) latest.set(s.step, s);
  }
  for (const [id, s] of latest) steps[id] = view(s);
  const data: Record<string, unknown> = { ...base, inputs: state.inputs, vars: state.vars, steps };
  if (!where?.iteration) return data;
  // The enclosing loops, innermost first, each with the iteration key of its own scope.
  const loops: { id: string; scope: string; index: number }[] = [];
  let key = where.iteration;
  for (let id = where.plan.nodes.get(where.step)?.parent; id && key; id = where.plan.nodes.get(id)?.parent) {
    const cut = key.lastIndexOf('/');
    loops.push({ id, scope: cut === -1 ? '' : key.slice(0, cut), index: Number(key.slice(cut + 1)) });
    key = cut === -1 ? '' : key.slice(0, cut);
  }
  // Outermost first, so an inner iteration's instances win over the outer one's.
  for (const l of [...loops].reverse()) {
    const iteration = l.scope ? `${l.scope}/${l.index}` : String(l.index);
    for (const s of state.steps.values()) if (s.iteration === iteration && where.plan.nodes.get(s.step)?.parent === l.id) steps[s.step] = view(s);
  }
  let loop: Record<string, unknown> | undefined;
  for (const l of [...loops].reverse()) {
    const items = state.steps.get(stepKey(l.id, l.scope))?.items;
    loop = { index: l.index, iteration: l.index + 1, ...(items ? { item: items[l.index] ?? null } : {}), ...(loop ? { parent: loop } : {}) };
  }
  if (loop) data.loop = loop;
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
  /** A ready step had to wait for capacity: the next decision must look at every step. */
  heldBack = false;
  constructor(state: RunState, owned = false) { this.state = owned ? state : ownedCopy(state); }
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
  return { events: b.events, actions: [...b.actions.filter((a) => a.kind !== 'wake'), earliest], ...(b.state ? { state: b.state } : {}) };
}
