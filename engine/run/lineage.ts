// Which recorded results a retry or a fork of an earlier run starts with.
//
//   retry  — every step that completed in the failed run keeps its result; the failed,
//            cancelled and never-reached steps run again.
//   fork   — the steps upstream of the chosen step keep their results (optionally edited);
//            the chosen step and everything else run for real. This is the "time travel"
//            for when one AI step went wrong: fix its prompt or its input and go again.
//
// Results are reused only for top-level steps: a loop is reused as a whole (its output), never
// iteration by iteration. A step whose compensation ran in the earlier run was undone there,
// so its result is not reused: it runs again.
import { ValidationError } from '../errors.ts';
import type { RunEvent } from './events.ts';
import type { RunPlan } from './plan.ts';
import { stepKey, type RunState } from './state.ts';

export type Lineage =
  | { kind: 'retry' }
  | { kind: 'fork'; step: string; outputs?: Record<string, unknown> };

/** The steps a step depends on, directly or not (its `needs`, transitively). */
export function upstreamOf(plan: RunPlan, step: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(plan.nodes.get(step)?.needs ?? []).map((n) => n.from)];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of plan.nodes.get(id)?.needs ?? []) stack.push(n.from);
  }
  return seen;
}

function undone(plan: RunPlan, source: RunState, id: string): boolean {
  const comp = plan.nodes.get(id)?.step.compensate;
  if (!comp) return false;
  const s = source.steps.get(stepKey(comp));
  return !!s && s.status !== 'pending' && s.status !== 'skipped';
}

/**
 * The `step.reused` events a new run starts with. `plan` is the new run's plan (a fork may
 * run a newer version: steps it no longer has are simply not reused).
 */
export function reusedResults(plan: RunPlan, source: RunState, sourceRunId: string, lineage: Lineage): RunEvent[] {
  let candidates: string[];
  if (lineage.kind === 'retry') {
    candidates = plan.order.filter((id) => !plan.nodes.get(id)!.isCompensation);
  } else {
    const node = plan.nodes.get(lineage.step);
    if (!node) throw new ValidationError(`Cannot fork at step "${lineage.step}": the workflow version has no such step.`, { step: lineage.step });
    if (node.parent) {
      throw new ValidationError(`Cannot fork at step "${lineage.step}": it is inside loop "${node.parent}". Fork at the loop instead; its iterations run again.`, { step: lineage.step });
    }
    const upstream = upstreamOf(plan, lineage.step);
    candidates = plan.order.filter((id) => upstream.has(id));
    for (const edited of Object.keys(lineage.outputs ?? {})) {
      if (!upstream.has(edited)) {
        throw new ValidationError(`Cannot edit the output of "${edited}": only steps upstream of "${lineage.step}" keep their results in a fork (upstream: ${[...upstream].join(', ') || 'none'}).`, { step: edited });
      }
      const s = source.steps.get(stepKey(edited));
      if (s?.status !== 'completed') {
        throw new ValidationError(`Cannot edit the output of "${edited}": it did not complete in run ${sourceRunId}, so it runs again in the fork.`, { step: edited });
      }
    }
  }
  const events: RunEvent[] = [];
  for (const id of candidates) {
    const s = source.steps.get(stepKey(id));
    if (s?.status !== 'completed' || undone(plan, source, id)) continue;
    const edits = lineage.kind === 'fork' ? lineage.outputs : undefined;
    const edited = !!edits && Object.hasOwn(edits, id);
    events.push({ type: 'step.reused', step: id, iteration: '', fromRun: s.reusedFrom ?? sourceRunId, output: edited ? edits[id] : s.output, port: s.port ?? 'out', edited });
  }
  return events;
}
