// Compensation: `compensate` names another existing step; `on_failure: compensate` needs at
// least one step with something to undo.
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { didYouMean } from '../suggest.ts';

export function checkCompensation(_workflow: Workflow, ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  const ids = [...ctx.graph.byId.keys()];
  const anyCompensation = ctx.graph.entries.some((e) => e.step.compensate !== undefined);
  for (const { step, path } of ctx.graph.entries) {
    if (step.compensate !== undefined) {
      if (step.compensate === step.id) {
        out.push(finding('COMPENSATE_SELF', {
          message: `Step ${step.id} names itself as its compensation.`,
          hint: `compensate must name a separate step that undoes ${step.id}, e.g. a rollback script`,
          path: [...path, 'compensate'], stepId: step.id,
        }));
      } else if (!ctx.graph.byId.has(step.compensate)) {
        out.push(finding('COMPENSATE_UNKNOWN_STEP', {
          message: `Step ${step.id} is compensated by "${step.compensate}", which is not a step in this workflow.`,
          hint: `${didYouMean(step.compensate, ids)}add a step with id ${step.compensate} that undoes ${step.id}, or fix the id`,
          path: [...path, 'compensate'], stepId: step.id,
        }));
      }
    }
    if (step.on_failure === 'compensate' && !anyCompensation) {
      out.push(finding('COMPENSATE_NOTHING', {
        message: `Step ${step.id} has on_failure: compensate, but no step in this workflow declares a compensate step, so a failure undoes nothing.`,
        hint: 'add compensate: <undo step id> to the steps whose effects must be undone, or use on_failure: stop',
        path: [...path, 'on_failure'], stepId: step.id,
      }));
    }
  }
  return out;
}
