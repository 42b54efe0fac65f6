// `needs`: every entry names a step of the same scope (top level, or the same loop body),
// with a port that the upstream node type has; a step with several outputs (condition,
// gate) must be needed through one of them.
//
// Port-less needs on a multi-output step are an error (PORT_REQUIRED): "needs: [check]" on a
// condition would run on both branches, which is almost never what the author meant; wait
// for a join (or a plain step after the branches) instead.
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { parseNeed, type StepEntry } from '../graph.ts';
import { didYouMean, listNames } from '../suggest.ts';

export function checkNeeds(_workflow: Workflow, ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  for (const entry of ctx.graph.entries) {
    const { step, path, scope } = entry;
    const seen = new Set<string>();
    (step.needs ?? []).forEach((need, k) => {
      const at = [...path, 'needs', k];
      const base = { path: at, stepId: step.id };
      if (seen.has(need)) {
        out.push(finding('DUPLICATE_NEED', { ...base, message: `Step ${step.id} lists "${need}" twice in its needs.`, hint: 'remove the second entry' }));
        return;
      }
      seen.add(need);
      const { step: target, port } = parseNeed(need);
      if (target === step.id) {
        out.push(finding('SELF_DEPENDENCY', { ...base, message: `Step ${step.id} needs itself.`, hint: `remove "${need}" from ${step.id}'s needs; to repeat work, use a loop step` }));
        return;
      }
      const upstream = scope.byId.get(target);
      if (!upstream) {
        out.push(finding('UNKNOWN_DEPENDENCY', { ...base, message: `Step ${step.id} needs "${target}", which is not a step ${scope.owner ? `in the body of loop ${scope.owner.step.id}` : 'at the top level'}.`, hint: unknownHint(ctx, entry, target) }));
        return;
      }
      const def = ctx.nodeOf(upstream);
      if (!def) return; // UNKNOWN_NODE_TYPE says it already
      const ports = def.outputs.map((p) => p.id);
      if (port !== undefined && !ports.includes(port)) {
        out.push(finding('UNKNOWN_PORT', {
          ...base,
          message: `Step ${step.id} needs "${need}", but ${target} (${def.type}) has no output port "${port}".`,
          hint: ports.length > 1 ? `${didYouMean(port, ports)}use one of ${listNames(ports.map((p) => `${target}.${p}`))}` : `use "${target}"`,
        }));
      } else if (port === undefined && ports.length > 1) {
        out.push(finding('PORT_REQUIRED', {
          ...base,
          message: `Step ${step.id} needs ${target} without a port, but ${target} (${def.type}) continues on one of several outputs.`,
          hint: `use ${ports.map((p) => `"${target}.${p}"`).join(' or ')} to choose the branch; to continue whichever branch is taken, add a join with mode: any that needs each of them`,
        }));
      }
    });
  }
  return out;
}

function unknownHint(ctx: ValidateContext, entry: StepEntry, target: string): string {
  const elsewhere = ctx.graph.byId.get(target)?.[0];
  const owner = entry.scope.owner;
  if (elsewhere) {
    const targetLoop = elsewhere.scope.owner;
    if (owner && !targetLoop) return `loop body steps can only need steps in the same loop body; to wait for ${target}, add it to the needs of loop ${owner.step.id}`;
    if (owner) return `${target} is in the body of loop ${targetLoop!.step.id}; loop body steps can only need steps in the same loop body`;
    return `${target} is inside the body of loop ${targetLoop!.step.id}; need the loop step "${targetLoop!.step.id}" instead (it completes after its body)`;
  }
  const ids = [...entry.scope.byId.keys()].filter((id) => id !== entry.step.id);
  return `${didYouMean(target, ids)}${ids.length ? `steps here: ${listNames(ids)}` : 'there are no other steps here'}`;
}
