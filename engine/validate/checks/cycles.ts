// CYCLE: one finding per strongly connected component of `needs`, naming one concrete cycle
// through the component's first step (document order), reported at that step's need that
// closes the cycle. UNREACHABLE_STEP: steps outside the cycle that can never start because
// what they wait for is stuck in it. A warning, not an error: the CYCLE error is the cause,
// fixing it fixes these, and the run could not start anyway.
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { parseNeed } from '../graph.ts';
import { listNames } from '../suggest.ts';

export function checkCycles(_workflow: Workflow, ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  for (const scope of ctx.graph.scopes) {
    for (const cycle of scope.cycles) {
      const steps = cycle.path.map((i) => scope.entries[i]!);
      const first = steps[0]!;
      const last = steps[steps.length - 1]!;
      const ids = [...steps.map((s) => s.step.id), first.step.id];
      const needIndex = (first.step.needs ?? []).findIndex((n) => parseNeed(n).step === last.step.id);
      const others = cycle.members.filter((m) => !cycle.path.includes(m)).map((m) => scope.entries[m]!.step.id);
      out.push(finding('CYCLE', {
        message: `Steps ${ids.join(' → ')} form a cycle, so none of them can start${others.length ? ` (${listNames(others)} ${others.length === 1 ? 'is' : 'are'} caught in it too)` : ''}.`,
        hint: `remove one of these needs (e.g. "${last.step.id}" from ${first.step.id}'s needs); to repeat steps, put them in a loop step with until and max_iterations`,
        path: needIndex >= 0 ? [...first.path, 'needs', needIndex] : first.path,
        stepId: first.step.id,
      }));
    }
    for (const i of [...scope.blocked].sort((a, b) => a - b)) {
      const entry = scope.entries[i]!;
      const stuck = scope.upstream[i]!.filter((u) => scope.inCycle.has(u) || scope.blocked.has(u)).map((u) => scope.entries[u]!.step.id);
      out.push(finding('UNREACHABLE_STEP', {
        message: `Step ${entry.step.id} can never run because it waits for ${listNames(stuck)}, which cannot complete because of a cycle.`,
        hint: 'fix the cycle reported for the steps it needs',
        path: [...entry.path, 'needs'],
        stepId: entry.step.id,
      }));
    }
  }
  return out;
}
