// Steps that wait: delays (until a time) and human gates (until enough decisions, or their
// timeout). The due time is journaled with `step.waiting`, so waits survive restarts.
import { evaluateTemplateValue, type ExpressionContext } from '../expressions/index.ts';
import { parseDuration } from '../format/duration.ts';
import { Builder, exprError, type Decision, type SchedulerOptions } from './decision.ts';
import type { StepError } from './events.ts';
import type { PlanNode, RunPlan } from './plan.ts';
import { stepKey, type RunState } from './state.ts';

/** When a delay ends or a gate times out: a duration from now, or a rendered `until` time. */
export function waitingUntil(node: PlanNode, data: ExpressionContext, now: Date): { ok: true; at: string } | { ok: false; error: StepError } {
  const w = node.step.with ?? {};
  const duration = typeof w.duration === 'string' ? w.duration : node.def.type === 'gate' && typeof w.timeout === 'string' ? w.timeout : undefined;
  if (duration) {
    const ms = parseDuration(duration);
    if (ms === undefined) return { ok: false, error: exprError(`${duration} is not a duration`, 'INVALID_CONFIG') };
    return { ok: true, at: new Date(now.getTime() + ms).toISOString() };
  }
  const until = typeof w.until === 'string' ? evaluateTemplateValue(w.until, data) : undefined;
  if (!until?.ok) return { ok: false, error: exprError(until ? until.error.message : 'a delay needs a duration or an until time', 'INVALID_CONFIG') };
  const at = new Date(String(until.value));
  if (Number.isNaN(at.getTime())) return { ok: false, error: exprError(`until: "${String(until.value)}" is not a time (use ISO 8601, e.g. 2026-01-31T09:00:00Z)`, 'INVALID_CONFIG') };
  return { ok: true, at: at.toISOString() };
}

/**
 * A waiting delay completes when its time comes. A gate completes `approved` once `quorum`
 * different people approved, `rejected` at the first rejection; at its timeout it proceeds
 * (as approved), cancels the run, or escalates once — another timeout for `escalate_to` —
 * and then cancels. Returns true when the step left the waiting state.
 */
export function settleWaiting(plan: RunPlan, b: Builder, node: PlanNode, opts: SchedulerOptions, iteration = ''): boolean {
  const s = b.state.steps.get(stepKey(node.id, iteration))!;
  const due = s.waitUntil !== undefined && new Date(s.waitUntil).getTime() <= opts.now.getTime();
  const complete = (port: string, output: Record<string, unknown>) => {
    b.emit({ type: 'step.completed', step: node.id, iteration, attempt: s.attempt, output, port });
    return true;
  };
  if (node.def.type === 'delay') {
    if (due) return complete('out', { waitedUntil: s.waitUntil });
    if (s.waitUntil) b.actions.push({ kind: 'wake', at: s.waitUntil });
    return false;
  }
  const decisions = s.decisions ?? [];
  const rejection = decisions.find((d) => d.decision === 'reject');
  if (rejection) return complete('rejected', { decision: 'rejected', by: rejection.by, comment: rejection.comment ?? null, decisions });
  const approvers = new Set(decisions.filter((d) => d.decision === 'approve').map((d) => d.by));
  const quorum = typeof node.step.with?.quorum === 'number' ? node.step.with.quorum : 1;
  if (approvers.size >= quorum) return complete('approved', { decision: 'approved', by: [...approvers], decisions });
  if (!due) {
    if (s.waitUntil) b.actions.push({ kind: 'wake', at: s.waitUntil });
    return false;
  }
  const onTimeout = node.step.with?.on_timeout ?? 'cancel';
  if (onTimeout === 'proceed') return complete('approved', { decision: 'timed_out', decisions });
  if (onTimeout === 'escalate' && s.waitReason === 'gate') {
    const until = waitingUntil(node, {}, opts.now);
    if (until.ok) {
      b.emit({ type: 'step.waiting', step: node.id, iteration, until: until.at, reason: 'escalated' });
      b.actions.push({ kind: 'wake', at: until.at });
      return false;
    }
  }
  b.emit({ type: 'run.cancel_requested', reason: `gate ${node.id} timed out without a decision` });
  return true;
}

/**
 * Records an approval or rejection of a waiting gate. A gate inside a loop body is one gate per
 * iteration: `iteration` names which; without it, the one waiting iteration is meant.
 */
export function gateDecision(plan: RunPlan, state: RunState, d: { step: string; iteration?: string; decision: 'approve' | 'reject'; by: string; comment?: string; now: Date }, owned = false): Decision {
  const b = new Builder(state, owned);
  if (plan.nodes.get(d.step)?.def.type !== 'gate') throw new GateNotWaitingError(`Step ${d.step} is not a gate.`);
  let iteration = d.iteration ?? '';
  if (d.iteration === undefined && plan.nodes.get(d.step)?.parent) {
    const waiting = [...b.state.steps.values()].filter((s) => s.step === d.step && s.status === 'waiting').map((s) => s.iteration);
    if (waiting.length !== 1) {
      throw new GateNotWaitingError(waiting.length
        ? `Gate ${d.step} is waiting in several loop iterations (${waiting.join(', ')}): say which one.`
        : `Gate ${d.step} is not waiting for a decision in any loop iteration.`);
    }
    iteration = waiting[0]!;
  }
  const s = b.state.steps.get(stepKey(d.step, iteration));
  if (s?.status !== 'waiting') {
    const waiting = [...b.state.steps.values()].filter((x) => x.step === d.step && x.status === 'waiting').map((x) => x.iteration || '(top level)');
    throw new GateNotWaitingError(`Step ${d.step}${iteration ? ` in iteration ${iteration}` : ''} is not a gate waiting for a decision.${waiting.length ? ` It waits in: ${waiting.join(', ')}.` : ''}`);
  }
  if (s.decisions?.some((x) => x.by === d.by && x.decision === d.decision)) return b;
  b.emit({ type: 'gate.decided', step: d.step, iteration, decision: d.decision, by: d.by, ...(d.comment ? { comment: d.comment } : {}), at: d.now.toISOString() });
  return b;
}

export class GateNotWaitingError extends Error {
  override name = 'GateNotWaitingError';
}
