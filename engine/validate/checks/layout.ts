// Layout: positions for steps that do not exist (left behind by a rename or a deletion).
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { didYouMean } from '../suggest.ts';

export function checkLayout(workflow: Workflow, ctx: ValidateContext): Finding[] {
  const ids = [...ctx.graph.byId.keys()];
  return Object.keys(workflow.layout?.nodes ?? {})
    .filter((key) => !ctx.graph.byId.has(key))
    .map((key) => finding('LAYOUT_UNKNOWN_STEP', {
      message: `layout.nodes has a position for "${key}", which is not a step in this workflow.`,
      hint: `${didYouMean(key, ids)}remove the entry (Switchyard drops it on the next save)`,
      path: ['layout', 'nodes', key],
    }));
}
