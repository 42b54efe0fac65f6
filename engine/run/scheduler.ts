// The scheduler: pure decisions over (plan, state, now). Given the current state it returns
// the events to journal and the actions to perform; it never does I/O. The executor journals
// the events first and only then acts — which is what makes every decision durable.
//
//   decide(plan, state)           → start ready steps, resolve control steps inline, skip dead
//                                   branches, start due retries, finish or cancel the run
//   stepFinished(plan, state, r)  → the journal entry for a finished attempt (./outcome.ts)
//   gateDecision, recover         → a person's decision (./waiting.ts); after a crash (./recover.ts)
import { parseDuration } from '../format/duration.ts';
import { Builder, condition, dedupeWakes, expressionData, running, type Decision, type SchedulerOptions } from './decision.ts';
import { cancelLosers, cancelRemaining, compensate, failNow, failRun } from './failure.ts';
import type { PlanNode, RunPlan } from './plan.ts';
import { joinRule, readiness } from './readiness.ts';
import { isTerminalStep, stepKey, TERMINAL_RUN, type RunState, type RunStatus } from './state.ts';
import { advanceLoop, loopItems } from './loop.ts';
import { settleWaiting, waitingUntil } from './waiting.ts';

export { expressionData, type Action, type Decision, type SchedulerOptions, type StepResult } from './decision.ts';
export { stepFinished } from './outcome.ts';
export { recover } from './recover.ts';
export { gateDecision, GateNotWaitingError } from './waiting.ts';

const CONTROL_INLINE = new Set(['condition', 'parallel', 'join']);

const WAITING_TYPES = new Set(['delay', 'gate']);

export function decide(plan: RunPlan, state: RunState, opts: SchedulerOptions): Decision {
  const b = new Builder(state, opts.owned);
  if (TERMINAL_RUN.has(b.state.status)) return b;
  if (b.state.status === 'created') {
    const timeout = plan.workflow.timeout ? parseDuration(plan.workflow.timeout) : undefined;
    b.emit({ type: 'run.started', ...(timeout !== undefined ? { deadline: new Date(opts.now.getTime() + timeout).toISOString() } : {}) });
  }
  if (b.state.status === 'cancelling') return cancelRemaining(plan, b, 'run cancelled');
  if (b.state.deadline && (b.state.status === 'running' || b.state.status === 'paused')) {
    if (new Date(b.state.deadline).getTime() <= opts.now.getTime()) {
      failRun(plan, b, { code: 'RUN_TIMEOUT', message: `The run exceeded its timeout of ${plan.workflow.timeout}.`, retryable: false });
      return dedupeWakes(b);
    }
    b.actions.push({ kind: 'wake', at: b.state.deadline });
  }
  if (b.state.status === 'compensating') { compensate(plan, b, opts); return dedupeWakes(b); }
  if (b.state.status === 'paused') return dedupeWakes(b);

  const maxParallel = opts.maxParallel ?? Infinity;
  const schedule = (ids: readonly string[], iteration: string, from = 0): boolean => scheduleScope(plan, b, ids, iteration, opts, maxParallel, schedule, from);
  const fullScan = !opts.changed || heldBack.get(b.state.steps) === true;
  if (fullScan) {
    while (b.state.status === 'running' && schedule(plan.order, '', finishedPrefix(plan, b.state))) { /* until nothing changes */ }
  } else {
    // Only the changed steps and their dependents can have become ready; each pass looks at
    // what the previous one changed.
    let changed: Iterable<string> = opts.changed!;
    while (b.state.status === 'running') {
      const from = b.events.length;
      schedule(affected(plan, changed), '');
      if (b.events.length === from) break;
      changed = b.events.slice(from).flatMap((e) => ('step' in e && e.step ? [e.step] : []));
    }
    // A safety net: a decision that found nothing to do while nothing runs would stall the run.
    if (b.state.status === 'running' && b.events.length === 0 && running(b.state, plan) === 0) {
      while (b.state.status === 'running' && schedule(plan.order, '', finishedPrefix(plan, b.state))) { /* until nothing changes */ }
    }
  }
  heldBack.set(b.state.steps, b.heldBack);
  // A gate timing out can cancel the run; a step failing can start compensation: both are
  // carried on in this same decision, so nothing waits for another wake-up.
  const after = b.state.status as RunStatus; // re-read: the loop's events may have changed it
  if (after === 'cancelling') return dedupeWakes(cancelRemaining(plan, b, 'run cancelled'));
  if (after === 'compensating') compensate(plan, b, opts);
  finishIfDone(plan, b);
  return dedupeWakes(b);
}

type Schedule = (ids: readonly string[], iteration: string, from?: number) => boolean;

/** Per steps map: whether the last decision held a ready step back for capacity. */
const heldBack = new WeakMap<RunState['steps'], boolean>();

/** The top-level steps a change to `steps` may affect, in document order: each changed step (a body step: its top-level loop) and what needs it. */
function affected(plan: RunPlan, steps: Iterable<string>): string[] {
  const ids = new Set<string>();
  for (const step of steps) {
    let top = step;
    for (let p = plan.nodes.get(top)?.parent; p; p = plan.nodes.get(p)?.parent) top = p;
    const node = plan.nodes.get(top);
    if (!node) continue;
    ids.add(top);
    for (const d of node.downstream) ids.add(d);
  }
  if (ids.size <= 1) return [...ids];
  const position = positions(plan);
  return [...ids].sort((x, y) => position.get(x)! - position.get(y)!);
}

const orderIndex = new WeakMap<RunPlan, Map<string, number>>();
function positions(plan: RunPlan): Map<string, number> {
  let m = orderIndex.get(plan);
  if (!m) { m = new Map(plan.order.map((id, i) => [id, i])); orderIndex.set(plan, m); }
  return m;
}

// How many top-level steps, in document order, are finished for good (or are compensations,
// which the normal pass skips). A finished step never becomes unfinished, so the count only
// grows: it is remembered per steps map — the executor keeps one per run — and each pass starts
// after it instead of walking the whole prefix again.
const prefixes = new WeakMap<RunState['steps'], number>();

function finishedPrefix(plan: RunPlan, state: RunState): number {
  let i = prefixes.get(state.steps) ?? 0;
  while (i < plan.order.length && (plan.nodes.get(plan.order[i]!)!.isCompensation || isTerminalStep(state.steps.get(plan.order[i]!)))) i++;
  prefixes.set(state.steps, i);
  return i;
}

/**
 * One pass over a scope — the top level (iteration "") or one iteration of a loop body:
 * settles waiting steps, starts due retries, skips dead branches, starts ready steps, and
 * advances running loops. True when anything changed (another pass may start more).
 */
function scheduleScope(plan: RunPlan, b: Builder, ids: readonly string[], iteration: string, opts: SchedulerOptions, maxParallel: number, schedule: Schedule, from = 0): boolean {
  let changed = false;
  for (let i = from; i < ids.length; i++) {
    const id = ids[i]!;
    if (b.state.status !== 'running') return changed;
    const node = plan.nodes.get(id)!;
    if (node.isCompensation) continue;
    const s = b.state.steps.get(stepKey(id, iteration));
    if (s?.status === 'running' && node.def.container) { if (advanceLoop(plan, b, node, opts, schedule, iteration)) changed = true; continue; }
    if (s?.status === 'waiting') { if (settleWaiting(plan, b, node, opts, iteration)) changed = true; continue; }
    if (s?.status === 'retrying') {
      if (new Date(s.retryAt!).getTime() > opts.now.getTime()) { b.actions.push({ kind: 'wake', at: s.retryAt! }); continue; }
      if (running(b.state, plan) >= maxParallel) { b.heldBack = true; continue; }
      b.emit({ type: 'step.started', step: id, iteration, attempt: s.attempt + 1 });
      b.actions.push({ kind: 'start', step: id, iteration, attempt: s.attempt + 1 });
      continue;
    }
    if (s && s.status !== 'pending') continue;
    const ready = readiness(plan, b.state, node, iteration);
    if (ready === 'wait') continue;
    if (ready === 'dead') { b.emit({ type: 'step.skipped', step: id, iteration, reason: 'branch' }); changed = true; continue; }
    const started = startStep(plan, b, node, iteration, opts, maxParallel, schedule);
    if (started === 'resolved') changed = true;
    else if (started === 'full') b.heldBack = true;
  }
  return changed;
}

/**
 * Starts one ready step: 'started' (an action now runs: nothing else can become ready before
 * it ends, so no further pass is needed), 'resolved' (it finished or was skipped at once, which
 * may unblock others), or 'full' (no capacity).
 */
function startStep(plan: RunPlan, b: Builder, node: PlanNode, iteration: string, opts: SchedulerOptions, maxParallel: number, schedule: Schedule): 'started' | 'resolved' | 'full' {
  const id = node.id;
  // Only control steps and `if` read the run's data here: a plain action step never builds it.
  const needsData = !!node.step.if || node.def.kind === 'control';
  const data = needsData ? expressionData(b.state, opts.base, { plan, step: id, iteration }) : {};
  if (node.step.if) {
    const c = condition(node.step.if, data);
    if (!c.ok) return (failNow(plan, b, node, c.error, false, iteration), 'resolved');
    if (!c.value) { b.emit({ type: 'step.skipped', step: id, iteration, reason: 'condition' }); return 'resolved'; }
  }
  if (CONTROL_INLINE.has(node.def.type)) {
    b.emit({ type: 'step.started', step: id, iteration, attempt: 1 });
    if (node.def.type === 'condition') {
      const c = condition(String(node.step.with?.if ?? ''), data);
      if (!c.ok) return (failNow(plan, b, node, c.error, true, iteration), 'resolved');
      b.emit({ type: 'step.completed', step: id, iteration, attempt: 1, output: { result: c.value }, port: c.value ? 'true' : 'false' });
    } else {
      b.emit({ type: 'step.completed', step: id, iteration, attempt: 1, output: {}, port: 'out' });
      if (node.def.type === 'join' && !iteration && joinRule(node).mode !== 'all' && node.step.with?.cancel_losers !== false) cancelLosers(plan, b, node);
    }
    return 'resolved';
  }
  if (node.def.container) {
    b.emit({ type: 'step.started', step: id, iteration, attempt: 1 });
    const items = loopItems(node, data);
    if (!items.ok) return (failNow(plan, b, node, items.error, true, iteration), 'resolved');
    b.emit({ type: 'loop.started', step: id, iteration, ...(items.items ? { items: items.items } : {}) });
    advanceLoop(plan, b, node, opts, schedule, iteration);
    return 'resolved';
  }
  if (WAITING_TYPES.has(node.def.type)) {
    b.emit({ type: 'step.started', step: id, iteration, attempt: 1 });
    const until = waitingUntil(node, data, opts.now);
    if (!until.ok) return (failNow(plan, b, node, until.error, true, iteration), 'resolved');
    b.emit({ type: 'step.waiting', step: id, iteration, until: until.at, reason: node.def.type === 'gate' ? 'gate' : 'delay' });
    settleWaiting(plan, b, node, opts, iteration);
    return 'resolved';
  }
  if (maxParallel !== Infinity && running(b.state, plan) >= maxParallel) return 'full';
  b.emit({ type: 'step.started', step: id, iteration, attempt: 1 });
  b.actions.push({ kind: 'start', step: id, iteration, attempt: 1 });
  return 'started';
}

function finishIfDone(plan: RunPlan, b: Builder): void {
  if (b.state.status !== 'running') return;
  // From the end: later steps are the ones most likely still open, so this usually stops at once.
  for (let i = plan.order.length - 1; i >= 0; i--) {
    const id = plan.order[i]!;
    if (plan.nodes.get(id)!.isCompensation) continue;
    if (!isTerminalStep(b.state.steps.get(id))) return;
  }
  b.emit({ type: 'run.completed', outputs: {} });
}
