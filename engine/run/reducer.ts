// Folds journal events into run state. Pure and total: the same events always give the same
// state, which is what lets a run be rebuilt from its journal after a crash, and lets tests
// compare a rebuilt state with the live one.
import type { RunEvent } from './events.ts';
import { stepKey, type RunState, type StepState } from './state.ts';

export function initialState(): RunState {
  return { status: 'created', versionId: '', inputs: {}, vars: {}, steps: new Map(), seq: 0 };
}

// Every step state starts with every field, in one order, so the copies made per event all
// share one shape (V8 copies same-shaped objects far faster than a mix of shapes).
function pendingStep(step: string, iteration: string): StepState {
  return {
    step, iteration, status: 'pending', attempt: 0, input: undefined, output: undefined, port: undefined, error: undefined,
    retryAt: undefined, skipReason: undefined, waitUntil: undefined, waitReason: undefined, decisions: undefined,
    items: undefined, iterations: undefined, completedSeq: undefined, summary: undefined, reusedFrom: undefined,
  };
}

// `owned`: the caller owns state.steps (a private copy made once per fold or decision), so it
// is updated in place instead of copied for every event — copying made folding O(n²).
function updateStep(state: RunState, step: string, iteration: string, patch: (s: StepState) => StepState, owned: boolean): RunState {
  const key = stepKey(step, iteration);
  const current = state.steps.get(key) ?? pendingStep(step, iteration);
  if (owned) {
    state.steps.set(key, patch(current));
    return state;
  }
  const steps = new Map(state.steps);
  steps.set(key, patch(current));
  return { ...state, steps };
}

/** A state whose steps map the caller may update in place (see `apply`'s `owned`). */
export function ownedCopy(state: RunState): RunState {
  return { ...state, steps: new Map(state.steps) };
}

export function apply(state: RunState, event: RunEvent, seq = state.seq + 1, owned = false): RunState {
  // An owned state is the caller's private copy: step events (nearly all of them) update it in place.
  const s = owned ? Object.assign(state, { seq }) : { ...state, seq };
  switch (event.type) {
    case 'run.created': return { ...s, versionId: event.versionId, inputs: event.inputs, vars: event.vars };
    case 'run.started': return { ...s, status: 'running', deadline: event.deadline };
    case 'run.compensating': return { ...s, status: 'compensating', compensatingFor: { step: event.step, error: event.error } };
    case 'run.paused': return s.status === 'running' ? { ...s, status: 'paused', pausedFrom: 'running' } : s;
    case 'run.resumed': return s.status === 'paused' ? { ...s, status: s.pausedFrom ?? 'running', pausedFrom: undefined } : s;
    case 'run.cancel_requested': return { ...s, status: 'cancelling' };
    case 'run.completed': return { ...s, status: 'completed', outputs: event.outputs };
    case 'run.failed': return { ...s, status: 'failed', error: event.error };
    case 'run.cancelled': return { ...s, status: 'cancelled' };
    case 'step.started':
      return updateStep(s, event.step, event.iteration, (st) => ({ ...st, status: 'running', attempt: event.attempt, input: event.input, error: undefined, retryAt: undefined }), owned);
    case 'step.completed':
      return updateStep(s, event.step, event.iteration, (st) => {
        // No conditional spreads: this runs for every completed step.
        const next: StepState = { ...st, status: 'completed', attempt: Math.max(st.attempt, event.attempt), output: event.output, port: event.port, retryAt: undefined, waitUntil: undefined, completedSeq: seq };
        if (event.input !== undefined) next.input = event.input;
        if (event.summary !== undefined) next.summary = event.summary;
        return next;
      }, owned);
    case 'step.reused':
      return updateStep(s, event.step, event.iteration, (st) => ({ ...st, status: 'completed', output: event.output, port: event.port, reusedFrom: event.fromRun, completedSeq: seq }), owned);
    case 'step.failed':
      return updateStep(s, event.step, event.iteration, (st) => {
        const next: StepState = { ...st, status: event.retryAt ? 'retrying' : 'failed', error: event.error, retryAt: event.retryAt };
        if (event.input !== undefined) next.input = event.input;
        return next;
      }, owned);
    case 'step.skipped':
      return updateStep(s, event.step, event.iteration, (st) => ({ ...st, status: 'skipped', skipReason: event.reason }), owned);
    case 'step.cancelled':
      return updateStep(s, event.step, event.iteration, (st) => ({ ...st, status: 'cancelled', retryAt: undefined }), owned);
    case 'step.crashed':
      return updateStep(s, event.step, event.iteration, (st) => ({ ...st, status: 'crashed' }), owned);
    case 'step.waiting':
      return updateStep(s, event.step, event.iteration, (st) => ({ ...st, status: 'waiting', waitUntil: event.until, waitReason: event.reason }), owned);
    case 'loop.started':
      return updateStep(s, event.step, event.iteration, (st) => ({ ...st, items: event.items, iterations: 0 }), owned);
    case 'loop.iteration':
      return updateStep(s, event.step, event.iteration, (st) => ({ ...st, iterations: Math.max(st.iterations ?? 0, event.index + 1) }), owned);
    case 'gate.decided':
      return updateStep(s, event.step, event.iteration, (st) => ({ ...st, decisions: [...(st.decisions ?? []), { decision: event.decision, by: event.by, comment: event.comment, at: event.at }] }), owned);
  }
}

export function fold(events: Iterable<RunEvent>, from: RunState = initialState()): RunState {
  let state = ownedCopy(from);
  for (const e of events) state = apply(state, e, state.seq + 1, true);
  return state;
}
