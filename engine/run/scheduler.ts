// The scheduler: pure decisions over (plan, state, now). Given the current state it returns
// the events to journal and the actions to perform; it never does I/O. The executor journals
// the events first and only then acts — which is what makes every decision durable.
//
//   decide(plan, state)           → start ready steps, resolve control steps inline, skip dead
//                                   branches, start due retries, finish or cancel the run
//   stepFinished(plan, state, r)  → the journal entry for a finished attempt: completed,
//                                   retrying (with its due time) or failed, and what a final
//                                   failure means for the run (on_failure)
import { evaluateCondition, compileExpression, renderTemplate, evaluateTemplateValue, type ExpressionContext } from '../expressions/index.ts';
import type { RunEvent, StepError } from './events.ts';
import type { PlanNode, RunPlan } from './plan.ts';
import { joinRule, readiness, edgeState } from './readiness.ts';
import { apply } from './reducer.ts';
import { retryDelayMs } from './retry.ts';
import { parseDuration } from '../format/duration.ts';
import { isTerminalStep, stepKey, TERMINAL_RUN, type RunState, type RunStatus } from './state.ts';

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

const CONTROL_INLINE = new Set(['condition', 'parallel', 'join']);
const WAITING_TYPES = new Set(['delay', 'gate']);

export function expressionData(state: RunState, base: ExpressionContext = {}): ExpressionContext {
  const steps: Record<string, unknown> = {};
  for (const s of state.steps.values()) {
    if (s.iteration) continue;
    steps[s.step] = { status: s.status, outputs: isRecord(s.output) ? s.output : {}, ...(s.error ? { error: s.error } : {}) };
  }
  return { ...base, inputs: state.inputs, vars: state.vars, steps };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exprError(message: string, code = 'EXPRESSION'): StepError {
  return { code, message, retryable: false };
}

/** Evaluates a condition; a broken or non-boolean one is a step failure, not a crash. */
function condition(source: string, data: ExpressionContext): { ok: true; value: boolean } | { ok: false; error: StepError } {
  const compiled = compileExpression(source);
  if (!compiled.ok) return { ok: false, error: exprError(compiled.error.message, compiled.error.code) };
  const result = evaluateCondition(compiled.expr, data);
  return result.ok ? { ok: true, value: result.value } : { ok: false, error: exprError(result.error.message, result.error.code) };
}

class Builder {
  events: RunEvent[] = [];
  actions: Action[] = [];
  constructor(public state: RunState) {}
  emit(e: RunEvent): void {
    this.events.push(e);
    this.state = apply(this.state, e);
  }
}

export function decide(plan: RunPlan, state: RunState, opts: SchedulerOptions): Decision {
  const b = new Builder(state);
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
  let changed = true;
  while (changed && b.state.status === 'running') {
    changed = false;
    for (const id of plan.order) {
      const node = plan.nodes.get(id)!;
      if (node.isCompensation) continue;
      const s = b.state.steps.get(stepKey(id));
      if (s?.status === 'waiting') { if (settleWaiting(plan, b, node, opts)) changed = true; continue; }
      if (s?.status === 'retrying') {
        if (new Date(s.retryAt!).getTime() > opts.now.getTime()) { b.actions.push({ kind: 'wake', at: s.retryAt! }); continue; }
        if (running(b.state) >= maxParallel) continue;
        b.emit({ type: 'step.started', step: id, iteration: '', attempt: s.attempt + 1 });
        b.actions.push({ kind: 'start', step: id, iteration: '', attempt: s.attempt + 1 });
        continue;
      }
      if (s && s.status !== 'pending') continue;
      const ready = readiness(plan, b.state, node);
      if (ready === 'wait') continue;
      if (ready === 'dead') { b.emit({ type: 'step.skipped', step: id, iteration: '', reason: 'branch' }); changed = true; continue; }
      if (startStep(plan, b, node, opts, maxParallel)) changed = true;
    }
  }
  // A gate timing out can cancel the run; a step failing can start compensation: both are
  // carried on in this same decision, so nothing waits for another wake-up.
  const after = b.state.status as RunStatus; // re-read: the loop's events may have changed it
  if (after === 'cancelling') return dedupeWakes(cancelRemaining(plan, b, 'run cancelled'));
  if (after === 'compensating') compensate(plan, b, opts);
  finishIfDone(plan, b);
  return dedupeWakes(b);
}

/** Starts (or resolves inline) one ready step. False when it must wait for capacity. */
function startStep(plan: RunPlan, b: Builder, node: PlanNode, opts: SchedulerOptions, maxParallel: number): boolean {
  const id = node.id;
  const data = expressionData(b.state, opts.base);
  if (node.step.if) {
    const c = condition(node.step.if, data);
    if (!c.ok) return failNow(plan, b, node, c.error);
    if (!c.value) { b.emit({ type: 'step.skipped', step: id, iteration: '', reason: 'condition' }); return true; }
  }
  if (CONTROL_INLINE.has(node.def.type)) {
    b.emit({ type: 'step.started', step: id, iteration: '', attempt: 1 });
    if (node.def.type === 'condition') {
      const c = condition(String(node.step.with?.if ?? ''), data);
      if (!c.ok) return failNow(plan, b, node, c.error, true);
      b.emit({ type: 'step.completed', step: id, iteration: '', attempt: 1, output: { result: c.value }, port: c.value ? 'true' : 'false' });
    } else {
      b.emit({ type: 'step.completed', step: id, iteration: '', attempt: 1, output: {}, port: 'out' });
      if (node.def.type === 'join' && joinRule(node).mode !== 'all' && node.step.with?.cancel_losers !== false) cancelLosers(plan, b, node);
    }
    return true;
  }
  if (WAITING_TYPES.has(node.def.type)) {
    b.emit({ type: 'step.started', step: id, iteration: '', attempt: 1 });
    const until = waitingUntil(node, data, opts.now);
    if (!until.ok) return failNow(plan, b, node, until.error, true);
    b.emit({ type: 'step.waiting', step: id, iteration: '', until: until.at, reason: node.def.type === 'gate' ? 'gate' : 'delay' });
    settleWaiting(plan, b, node, opts);
    return true;
  }
  if (running(b.state) >= maxParallel) return false;
  b.emit({ type: 'step.started', step: id, iteration: '', attempt: 1 });
  b.actions.push({ kind: 'start', step: id, iteration: '', attempt: 1 });
  return true;
}

/** When a delay ends or a gate times out: a duration from now, or a rendered `until` time. */
function waitingUntil(node: PlanNode, data: ExpressionContext, now: Date): { ok: true; at: string } | { ok: false; error: StepError } {
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
function settleWaiting(plan: RunPlan, b: Builder, node: PlanNode, opts: SchedulerOptions): boolean {
  const s = b.state.steps.get(stepKey(node.id))!;
  const due = s.waitUntil !== undefined && new Date(s.waitUntil).getTime() <= opts.now.getTime();
  const complete = (port: string, output: Record<string, unknown>) => {
    b.emit({ type: 'step.completed', step: node.id, iteration: '', attempt: s.attempt, output, port });
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
      b.emit({ type: 'step.waiting', step: node.id, iteration: '', until: until.at, reason: 'escalated' });
      b.actions.push({ kind: 'wake', at: until.at });
      return false;
    }
  }
  b.emit({ type: 'run.cancel_requested', reason: `gate ${node.id} timed out without a decision` });
  return true;
}

function failNow(plan: RunPlan, b: Builder, node: PlanNode, error: StepError, started = false): boolean {
  if (!started) b.emit({ type: 'step.started', step: node.id, iteration: '', attempt: 1 });
  b.emit({ type: 'step.failed', step: node.id, iteration: '', attempt: 1, error });
  applyFailurePolicy(plan, b, node, error);
  return true;
}

/** Branches a satisfied join no longer needs: pending ones are cancelled, running ones aborted. */
function cancelLosers(plan: RunPlan, b: Builder, join: PlanNode): void {
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
  for (const id of losers) cancelStep(b, id, `join ${join.id} was satisfied`);
}

function cancelStep(b: Builder, id: string, reason: string): void {
  const s = b.state.steps.get(stepKey(id));
  if (s?.status === 'running') b.actions.push({ kind: 'abort', step: id, iteration: '', reason });
  else if (!isTerminalStep(s)) b.emit({ type: 'step.cancelled', step: id, iteration: '', reason });
}

function running(state: RunState): number {
  let n = 0;
  for (const s of state.steps.values()) if (s.status === 'running') n++;
  return n;
}

function cancelRemaining(plan: RunPlan, b: Builder, reason: string): Builder {
  for (const id of plan.order) cancelStep(b, id, reason);
  if (running(b.state) === 0) b.emit({ type: 'run.cancelled', reason });
  return b;
}

function finishIfDone(plan: RunPlan, b: Builder): void {
  if (b.state.status !== 'running') return;
  for (const id of plan.order) {
    if (plan.nodes.get(id)!.isCompensation) continue;
    if (!isTerminalStep(b.state.steps.get(stepKey(id)))) return;
  }
  b.emit({ type: 'run.completed', outputs: {} });
}

function applyFailurePolicy(plan: RunPlan, b: Builder, node: PlanNode, error: StepError): void {
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
function failRun(plan: RunPlan, b: Builder, error: StepError, step?: string): void {
  b.emit({ type: 'run.failed', error, ...(step ? { step } : {}) });
  stopNormalSteps(plan, b, step ? `step ${step} failed` : error.message);
}

function stopNormalSteps(plan: RunPlan, b: Builder, reason: string): void {
  for (const id of plan.order) {
    const s = b.state.steps.get(stepKey(id));
    if (plan.nodes.get(id)!.isCompensation) continue;
    if (s?.status === 'running') b.actions.push({ kind: 'abort', step: id, iteration: '', reason });
    else if (!isTerminalStep(s)) b.emit({ type: 'step.skipped', step: id, iteration: '', reason: 'run_ended' });
  }
}

/**
 * Saga rollback: once the aborted steps have stopped, the compensations of the completed steps
 * run one at a time, most recently completed first; then the run fails with the original error.
 */
function compensate(plan: RunPlan, b: Builder, opts: SchedulerOptions): void {
  if ([...b.state.steps.values()].some((s) => s.status === 'running' && !plan.nodes.get(s.step)?.isCompensation)) return;
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

/** Records an approval or rejection of a waiting gate. */
export function gateDecision(plan: RunPlan, state: RunState, d: { step: string; decision: 'approve' | 'reject'; by: string; comment?: string; now: Date }): Decision {
  const b = new Builder(state);
  const s = b.state.steps.get(stepKey(d.step));
  if (plan.nodes.get(d.step)?.def.type !== 'gate' || s?.status !== 'waiting') {
    throw new GateNotWaitingError(`Step ${d.step} is not a gate waiting for a decision.`);
  }
  if (s.decisions?.some((x) => x.by === d.by && x.decision === d.decision)) return b;
  b.emit({ type: 'gate.decided', step: d.step, iteration: '', decision: d.decision, by: d.by, ...(d.comment ? { comment: d.comment } : {}), at: d.now.toISOString() });
  return b;
}

export class GateNotWaitingError extends Error {
  override name = 'GateNotWaitingError';
}

/** The journal entries for a finished attempt. Call decide() afterwards for what follows. */
export function stepFinished(plan: RunPlan, state: RunState, result: StepResult, opts: SchedulerOptions): Decision {
  const b = new Builder(state);
  const iteration = result.iteration ?? '';
  const node = plan.nodes.get(result.step);
  const current = b.state.steps.get(stepKey(result.step, iteration));
  // A late report for an attempt that is no longer the live one changes nothing.
  if (!node || current?.status !== 'running' || current.attempt !== result.attempt) return b;

  if (result.ok) {
    const outputs = declaredOutputs(node, result.output, b.state, opts);
    if (!outputs.ok) {
      b.emit({ type: 'step.failed', step: node.id, iteration, attempt: result.attempt, error: outputs.error });
      applyFailurePolicy(plan, b, node, outputs.error);
      return b;
    }
    b.emit({ type: 'step.completed', step: node.id, iteration, attempt: result.attempt, output: outputs.value, port: 'out' });
    return b;
  }
  const stopping = b.state.status === 'cancelling' || TERMINAL_RUN.has(b.state.status) || (b.state.status === 'compensating' && !node.isCompensation);
  if (result.aborted || stopping) {
    b.emit({ type: 'step.cancelled', step: node.id, iteration, reason: result.error.message });
    return b;
  }
  const delay = result.error.retryable ? retryDelayMs(node.step.retry, result.attempt, opts.random) : undefined;
  if (delay !== undefined) {
    const retryAt = new Date(opts.now.getTime() + delay).toISOString();
    b.emit({ type: 'step.failed', step: node.id, iteration, attempt: result.attempt, error: result.error, retryAt });
    b.actions.push({ kind: 'wake', at: retryAt });
    return b;
  }
  b.emit({ type: 'step.failed', step: node.id, iteration, attempt: result.attempt, error: result.error });
  applyFailurePolicy(plan, b, node, result.error);
  return b;
}

/** `outputs:` templates over the step's own result (readable as steps.<self>.outputs). */
function declaredOutputs(node: PlanNode, raw: unknown, state: RunState, opts: SchedulerOptions): { ok: true; value: unknown } | { ok: false; error: StepError } {
  const templates = node.step.outputs;
  if (!templates) return { ok: true, value: raw };
  const data = expressionData(state, opts.base);
  const steps = { ...(data.steps as Record<string, unknown>), [node.id]: { status: 'completed', outputs: isRecord(raw) ? raw : {} } };
  const ctx = { ...data, steps };
  const value: Record<string, unknown> = isRecord(raw) ? { ...raw } : {};
  for (const [name, template] of Object.entries(templates)) {
    const r = template.includes('${{') ? evaluateTemplateValue(template, ctx) : renderTemplate(template, ctx);
    if (!r.ok) return { ok: false, error: exprError(`outputs.${name}: ${r.error.message}`, r.error.code) };
    value[name] = r.value;
  }
  return { ok: true, value };
}

function dedupeWakes(b: Decision): Decision {
  const wakes = b.actions.filter((a): a is Extract<Action, { kind: 'wake' }> => a.kind === 'wake');
  if (wakes.length <= 1) return b;
  const earliest = wakes.reduce((m, w) => (w.at < m.at ? w : m));
  return { events: b.events, actions: [...b.actions.filter((a) => a.kind !== 'wake'), earliest] };
}

/**
 * After a crash: attempts that were running when the process died are started again with the
 * next attempt number (same idempotency key), except at_most_once steps, which are marked
 * crashed and handled as a failure. Completed steps are never touched: their outputs stand.
 */
export function recover(plan: RunPlan, state: RunState): Decision {
  const b = new Builder(state);
  if (TERMINAL_RUN.has(b.state.status)) return b;
  for (const s of [...b.state.steps.values()]) {
    if (s.status !== 'running') continue;
    const node = plan.nodes.get(s.step);
    if (!node) continue;
    if (node.step.delivery === 'at_most_once') {
      b.emit({ type: 'step.crashed', step: s.step, iteration: s.iteration, attempt: s.attempt });
      if (b.state.status === 'running' || b.state.status === 'paused') {
        applyFailurePolicy(plan, b, node, { code: 'CRASHED', message: `Step ${s.step} was running when the server stopped; it is at_most_once, so it was not run again.`, retryable: false });
      }
    } else if (b.state.status === 'cancelling' || b.state.status === 'failed') {
      b.emit({ type: 'step.cancelled', step: s.step, iteration: s.iteration, reason: 'run ended while the server was down' });
    } else {
      b.emit({ type: 'step.started', step: s.step, iteration: s.iteration, attempt: s.attempt + 1 });
      b.actions.push({ kind: 'start', step: s.step, iteration: s.iteration, attempt: s.attempt + 1 });
    }
  }
  return b;
}
