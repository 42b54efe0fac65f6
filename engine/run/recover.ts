import { Builder, type Decision } from './decision.ts';
import { applyFailurePolicy } from './failure.ts';
import type { RunPlan } from './plan.ts';
import { TERMINAL_RUN, type RunState } from './state.ts';

/**
 * After a crash: attempts that were running when the process died are started again with the
 * next attempt number (same idempotency key), except at_most_once steps, which are marked
 * crashed and handled as a failure. Completed steps are never touched: their outputs stand.
 */
export function recover(plan: RunPlan, state: RunState, owned = false): Decision {
  const b = new Builder(state, owned);
  if (TERMINAL_RUN.has(b.state.status)) return b;
  for (const s of [...b.state.steps.values()]) {
    if (s.status !== 'running') continue;
    const node = plan.nodes.get(s.step);
    // A running loop is bookkeeping, not a process: its body's steps are what re-run.
    if (!node || node.def.container) continue;
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
