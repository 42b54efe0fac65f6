// When may a step start? Each `needs` edge is pending (upstream not finished), live (upstream
// completed through that port, or failed with on_failure: continue) or dead (skipped,
// cancelled, crashed, another port fired, or failed and stopping the run).
//   plain step, join all: waits for every edge; runs if any edge is live, else is skipped —
//                         so skipping flows down to what only an untaken branch feeds;
//   join any:             runs as soon as one edge is live; skipped when all are dead;
//   join n_of_m (count):  runs once `count` edges are live; skipped when that became impossible.
import type { PlanNode, RunPlan } from './plan.ts';
import { isTerminalStep, stepKey, type RunState } from './state.ts';

export type EdgeState = 'pending' | 'live' | 'dead';
export type Readiness = 'wait' | 'ready' | 'dead';

export function edgeState(plan: RunPlan, state: RunState, need: { from: string; port?: string }, iteration = ''): EdgeState {
  const up = state.steps.get(stepKey(need.from, iteration));
  if (!up || !isTerminalStep(up)) return 'pending';
  if (up.status === 'completed') return (need.port ?? 'out') === (up.port ?? 'out') ? 'live' : 'dead';
  if (up.status === 'failed') return plan.nodes.get(need.from)?.step.on_failure === 'continue' ? 'live' : 'dead';
  return 'dead';
}

interface JoinRule { mode: 'all' | 'any' | 'n_of_m'; count: number }

export function joinRule(node: PlanNode): JoinRule {
  if (node.def.type !== 'join') return { mode: 'all', count: node.needs.length };
  const w = node.step.with ?? {};
  const mode = w.mode === 'any' || w.mode === 'n_of_m' ? w.mode : 'all';
  const count = mode === 'any' ? 1 : mode === 'n_of_m' && typeof w.count === 'number' ? w.count : node.needs.length;
  return { mode, count };
}

export function readiness(plan: RunPlan, state: RunState, node: PlanNode, iteration = ''): Readiness {
  if (node.needs.length === 0) return 'ready';
  const all = node.def.type !== 'join' || joinRule(node).mode === 'all';
  let live = 0;
  let pending = 0;
  for (const need of node.needs) {
    const e = edgeState(plan, state, need, iteration);
    // Called for every pending step on every pass: a plain step stops at its first open edge.
    if (e === 'pending') { if (all) return 'wait'; pending++; } else if (e === 'live') live++;
  }
  const rule = joinRule(node);
  if (rule.mode === 'all') return pending > 0 ? 'wait' : live > 0 ? 'ready' : 'dead';
  if (live >= rule.count) return 'ready';
  return live + pending < rule.count ? 'dead' : 'wait';
}
