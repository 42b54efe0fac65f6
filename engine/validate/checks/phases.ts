// Phases: listed once each; when listed, every step's phase is one of them.
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { didYouMean, listNames } from '../suggest.ts';

export function checkPhases(workflow: Workflow, ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  const phases = workflow.phases;
  if (!phases) return out;
  const seen = new Set<string>();
  phases.forEach((phase, i) => {
    if (seen.has(phase)) {
      out.push(finding('DUPLICATE_PHASE', { message: `Phase "${phase}" is listed twice in phases.`, hint: 'remove the second entry', path: ['phases', i] }));
    }
    seen.add(phase);
  });
  for (const { step, path } of ctx.graph.entries) {
    if (step.phase === undefined || seen.has(step.phase)) continue;
    out.push(finding('UNKNOWN_PHASE', {
      message: `Step ${step.id} is in phase "${step.phase}", which is not listed in phases.`,
      hint: `${didYouMean(step.phase, phases)}phases: ${listNames(phases)}; or add "${step.phase}" to phases`,
      path: [...path, 'phase'], stepId: step.id,
    }));
  }
  return out;
}
