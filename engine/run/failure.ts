// What failure and cancellation do to a run: the on_failure policies (stop, continue,
// compensate), saga compensation in reverse completion order, cancelling steps and the
// losing branches of a satisfied join.
import { Builder, running, type SchedulerOptions } from './decision.ts';
import type { StepError } from './events.ts';
import type { PlanNode, RunPlan } from './plan.ts';
import { edgeState } from './readiness.ts';
import { isTerminalStep, stepKey } from './state.ts';

export function failNow(plan: RunPlan, b: Builder, node: PlanNode, error: StepError, started = false, iteration = ''): boolean {
  if (!started) b.emit({ type: 'step.started', step: node.id, iteration, attempt: 1 });
  b.emit({ type: 'step.failed', step: node.id, iteration, attempt: 1, error });
  applyFailurePolicy(plan, b, node, error);
  return true;
}

/** Branches a satisfied join no longer needs: pending ones are cancelled, running ones aborted. */
export function cancelLosers(plan: RunPlan, b: Builder, join: PlanNode): void {
  const losers = new Set(join.needs.filter((n) => edgeState(plan, b.state, n) === 'pending').map((n) => n.from));
  // Walk up: an unfinished step whose every downstream is a loser only feeds the losers.
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of plan.nodes.values()) {
      if (losers.has(node.id) || isTerminalStep(b.state.steps.get(node.id)) || node.downstream.length === 0) continue;
      if (node.downstream.every((d) => losers.has(d))) { losers.add(node.id); grew = true; }
    }
  }
  for (const id of losers) cancelStep(plan, b, id, `join ${join.id} was satisfied`);
}

/** Aborts a running step's process, or marks an unfinished one cancelled (a loop: it and its body). */
export function cancelStep(plan: RunPlan, b: Builder, id: string, reason: string, iteration = ''): void {
  const node = plan.nodes.get(id);
  const s = b.state.steps.get(stepKey(id, iteration));
  if (node?.body) abortBody(plan, b, node, reason);
  if (s?.status === 'running' && !node?.def.container) b.actions.push({ kind: 'abort', step: id, iteration, reason });
  else if (!isTerminalStep(s)) b.emit({ type: 'step.cancelled', step: id, iteration, reason });
}

/** Whether `step` sits inside `loop`'s body, directly or in a nested loop. */
function inside(plan: RunPlan, step: string, loop: string): boolean {
  for (let p = plan.nodes.get(step)?.parent; p; p = plan.nodes.get(p)?.parent) if (p === loop) return true;
  return false;
}

/** Stops every unfinished instance in a loop's body, nested loops included (their bookkeeping is cancelled, their steps aborted). */
function abortBody(plan: RunPlan, b: Builder, loop: PlanNode, reason: string): void {
  for (const s of [...b.state.steps.values()]) {
    if (!s.iteration || isTerminalStep(s) || !inside(plan, s.step, loop.id)) continue;
    if (s.status === 'running' && !plan.nodes.get(s.step)?.def.container) b.actions.push({ kind: 'abort', step: s.step, iteration: s.iteration, reason });
    else b.emit({ type: 'step.cancelled', step: s.step, iteration: s.iteration, reason });
  }
}

export function cancelRemaining(plan: RunPlan, b: Builder, reason: string): Builder {
  for (const id of plan.order) cancelStep(plan, b, id, reason);
  if (running(b.state, plan) === 0) b.emit({ type: 'run.cancelled', reason });
  return b;
}

export function applyFailurePolicy(plan: RunPlan, b: Builder, node: PlanNode, error: StepError): void {
  if (b.state.status === 'compensating') return; // a failing compensation does not stop the others
  if (node.step.on_failure === 'continue') return;
  if (node.step.on_failure === 'compensate') {
    b.emit({ type: 'run.compensating', step: node.id, error });
    stopNormalSteps(plan, b, `step ${node.id} failed; compensating`);
    return;
  }
  failRun(plan, b, error, node.id);
}

/** The run fails now; running steps are aborted and whatever had not started is skipped. */
export function failRun(plan: RunPlan, b: Builder, error: StepError, step?: string): void {
  b.emit({ type: 'run.failed', error, ...(step ? { step } : {}) });
  stopNormalSteps(plan, b, step ? `step ${step} failed` : error.message);
}

function stopNormalSteps(plan: RunPlan, b: Builder, reason: string): void {
  for (const id of plan.order) {
    const node = plan.nodes.get(id)!;
    const s = b.state.steps.get(stepKey(id));
    if (node.isCompensation) continue;
    if (node.body) abortBody(plan, b, node, reason);
    if (s?.status === 'running' && node.def.container) b.emit({ type: 'step.cancelled', step: id, iteration: '', reason });
    else if (s?.status === 'running') b.actions.push({ kind: 'abort', step: id, iteration: '', reason });
    else if (!isTerminalStep(s)) b.emit({ type: 'step.skipped', step: id, iteration: '', reason: 'run_ended' });
  }
}

/**
 * Saga rollback: once the aborted steps have stopped, the compensations of the completed steps
 * run one at a time, most recently completed first; then the run fails with the original error.
 */
export function compensate(plan: RunPlan, b: Builder, opts: SchedulerOptions): void {
  if ([...b.state.steps.values()].some((s) => s.status === 'running' && !plan.nodes.get(s.step)?.isCompensation && !plan.nodes.get(s.step)?.def.container)) return;
  const done = [...b.state.steps.values()]
    .filter((s) => s.status === 'completed' && plan.nodes.get(s.step)?.step.compensate)
    .sort((x, y) => (y.completedSeq ?? 0) - (x.completedSeq ?? 0));
  for (const s of done) {
    const id = plan.nodes.get(s.step)!.step.compensate!;
    const c = b.state.steps.get(stepKey(id));
    if (c?.status === 'running' || c?.status === 'retrying') {
      if (c.status === 'retrying' && new Date(c.retryAt!).getTime() <= opts.now.getTime()) {
        b.emit({ type: 'step.started', step: id, iteration: '', attempt: c.attempt + 1 });
        b.actions.push({ kind: 'start', step: id, iteration: '', attempt: c.attempt + 1 });
      } else if (c.status === 'retrying') b.actions.push({ kind: 'wake', at: c.retryAt! });
      return;
    }
    if (isTerminalStep(c)) continue;
    b.emit({ type: 'step.started', step: id, iteration: '', attempt: 1 });
    b.actions.push({ kind: 'start', step: id, iteration: '', attempt: 1 });
    return;
  }
  const cause = b.state.compensatingFor!;
  b.emit({ type: 'run.failed', error: cause.error, step: cause.step });
}
