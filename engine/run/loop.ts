// Loop containers. A loop runs its body steps once per iteration; every body step instance is
// its own step state, keyed by the iteration index ("0", "1", …), so each iteration is visible
// and resumable. The graph stays acyclic: iterating is the loop's job, not an edge's.
//   over:  the list is evaluated once when the loop starts (journaled with loop.started);
//          up to `parallelism` iterations run at once; a list longer than max_iterations
//          fails the loop before any iteration starts.
//   until: iterations run one after another; after each, `until` is evaluated against that
//          iteration's steps; still false after max_iterations fails the loop.
// A body step failing for good applies its own on_failure (stop fails the run).
import { compileExpression, evaluateExpression, evaluateTemplateValue, isTemplate, type ExpressionContext } from '../expressions/index.ts';
import { Builder, condition, exprError, expressionData, type SchedulerOptions } from './decision.ts';
import type { StepError } from './events.ts';
import { failNow } from './failure.ts';
import type { PlanNode, RunPlan } from './plan.ts';
import { isTerminalStep, stepKey } from './state.ts';

type Schedule = (ids: readonly string[], iteration: string) => boolean;

/** The list of an `over` loop (undefined for an `until` loop). */
export function loopItems(node: PlanNode, data: ExpressionContext): { ok: true; items?: unknown[] } | { ok: false; error: StepError } {
  const over = node.step.with?.over;
  if (typeof over !== 'string') return { ok: true };
  let value: unknown;
  if (isTemplate(over)) {
    const r = evaluateTemplateValue(over, data);
    if (!r.ok) return { ok: false, error: exprError(`over: ${r.error.message}`, r.error.code) };
    value = r.value;
  } else {
    const compiled = compileExpression(over);
    if (!compiled.ok) return { ok: false, error: exprError(`over: ${compiled.error.message}`, compiled.error.code) };
    const r = evaluateExpression(compiled.expr, data);
    if (!r.ok) return { ok: false, error: exprError(`over: ${r.error.message}`, r.error.code) };
    value = r.value;
  }
  if (!Array.isArray(value)) return { ok: false, error: exprError(`over must give a list; it gave ${value === null ? 'null' : typeof value}`, 'LOOP_NOT_A_LIST') };
  return { ok: true, items: value };
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** The iteration key of a loop's body instances: "2", or "1/2" inside an outer loop's iteration 1. */
export function bodyIteration(scope: string, index: number): string {
  return scope ? `${scope}/${index}` : String(index);
}

/**
 * Moves a running loop instance on (`scope`: the loop's own iteration key, "" at the top
 * level): schedules its open iterations, starts new ones, ends it.
 */
export function advanceLoop(plan: RunPlan, b: Builder, node: PlanNode, opts: SchedulerOptions, schedule: Schedule, scope = ''): boolean {
  const body = node.body ?? [];
  const max = num(node.step.with?.max_iterations, 1);
  const loop = () => b.state.steps.get(stepKey(node.id, scope))!;
  const done = (i: number) => body.every((id) => isTerminalStep(b.state.steps.get(stepKey(id, bodyIteration(scope, i)))));
  let changed = false;
  const begin = (index: number) => {
    b.emit({ type: 'loop.iteration', step: node.id, iteration: scope, index });
    schedule(body, bodyIteration(scope, index));
    changed = true;
  };
  const fail = (error: StepError) => { failNow(plan, b, node, error, true, scope); return true; };
  const complete = (iterations: number) => {
    b.emit({ type: 'step.completed', step: node.id, iteration: scope, attempt: 1, output: { iterations }, port: 'out' });
    return true;
  };

  for (let i = 0; i < (loop().iterations ?? 0); i++) {
    if (!done(i) && schedule(body, bodyIteration(scope, i))) changed = true;
    if (b.state.status !== 'running') return true;
  }

  const items = loop().items;
  if (items) {
    if (items.length > max) return fail({ code: 'LOOP_TOO_MANY_ITEMS', message: `Loop ${node.id} got ${items.length} items, more than max_iterations (${max}).`, retryable: false });
    const parallelism = Math.max(1, num(node.step.with?.parallelism, 1));
    let started = loop().iterations ?? 0;
    let active = 0;
    for (let i = 0; i < started; i++) if (!done(i)) active++;
    while (active < parallelism && started < items.length && b.state.status === 'running') { begin(started++); active++; }
    if (started >= items.length && active === 0) {
      let open = false;
      for (let i = 0; i < started; i++) if (!done(i)) open = true;
      if (!open) return complete(items.length);
    }
    return changed;
  }

  const started = loop().iterations ?? 0;
  if (started === 0) { begin(0); return true; }
  const last = started - 1;
  if (!done(last)) return changed;
  const data = expressionData(b.state, opts.base, { plan, step: body[0] ?? node.id, iteration: bodyIteration(scope, last) });
  const until = condition(String(node.step.with?.until ?? 'true'), data);
  if (!until.ok) return fail({ ...until.error, message: `until: ${until.error.message}` });
  if (until.value) return complete(started);
  if (started >= max) return fail({ code: 'LOOP_LIMIT', message: `Loop ${node.id} ran ${max} iterations and its until condition is still false.`, retryable: false });
  begin(started);
  return true;
}
