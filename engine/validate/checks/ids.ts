// Ids: step ids are unique across the whole document (loop bodies included), because
// expressions address steps.<id> from anywhere; trigger ids are unique among triggers.
import { formatPath } from '../../diagnostics.ts';
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';

export function checkIds(workflow: Workflow, ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  for (const [id, entries] of ctx.graph.byId) {
    const [first, ...rest] = entries;
    if (!first) continue;
    for (const dup of rest) {
      out.push(finding('DUPLICATE_STEP_ID', {
        message: `Step id "${id}" is already used by the step at ${formatPath(first.path)}.`,
        hint: 'give each step a unique id (ids are global, loop bodies included, because expressions read steps.<id>)',
        path: [...dup.path, 'id'],
        stepId: id,
      }));
    }
  }

  const seen = new Map<string, number>();
  (workflow.triggers ?? []).forEach((trigger, i) => {
    if (trigger.id === undefined) return;
    const first = seen.get(trigger.id);
    if (first === undefined) { seen.set(trigger.id, i); return; }
    out.push(finding('DUPLICATE_TRIGGER_ID', {
      message: `Trigger id "${trigger.id}" is already used by triggers[${first}].`,
      hint: 'give each trigger a unique id',
      path: ['triggers', i, 'id'],
    }));
  });
  return out;
}
