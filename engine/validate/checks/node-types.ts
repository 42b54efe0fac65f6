// Node types: the type is installed, the config version is one it can read, and `steps:`
// (a body) appears exactly on container types, never empty there.
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { didYouMean, listNames } from '../suggest.ts';

export function checkNodeTypes(_workflow: Workflow, ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  const known = ctx.registry.list().map((d) => d.type).sort();
  for (const entry of ctx.graph.entries) {
    const { step, path } = entry;
    const def = ctx.registry.get(step.type);
    if (!def) {
      out.push(finding('UNKNOWN_NODE_TYPE', {
        message: `Step ${step.id} has type "${step.type}", which is not an installed node type.`,
        hint: `${didYouMean(step.type, known)}installed types: ${listNames(known, 40)}`,
        path: [...path, 'type'],
        stepId: step.id,
      }));
      continue;
    }
    if ((step.version ?? 1) > def.version) {
      out.push(finding('NODE_VERSION_TOO_NEW', {
        message: `Step ${step.id} was written for ${def.type} version ${step.version}, but the installed ${def.type} node is version ${def.version}.`,
        hint: `upgrade Switchyard (or the ${def.type} node), or rewrite the config for version ${def.version} and set version: ${def.version}`,
        path: [...path, 'version'],
        stepId: step.id,
      }));
    }
    if (def.container) {
      if (!step.steps?.length) {
        out.push(finding('EMPTY_LOOP_BODY', {
          message: `${def.title} step ${step.id} has no body steps, so it has nothing to repeat.`,
          hint: `add the steps to repeat under ${step.id}'s steps:, or remove the ${def.type} step`,
          path: step.steps ? [...path, 'steps'] : path,
          stepId: step.id,
        }));
      }
    } else if (step.steps) {
      const containers = ctx.registry.list().filter((d) => d.container).map((d) => d.type);
      out.push(finding('CONTAINER_ONLY', {
        message: `Step ${step.id} has body steps, but its type ${def.type} is not a container.`,
        hint: containers.length
          ? `only container types (${listNames(containers)}) take steps:; move the body steps to the top level or wrap them in a ${containers[0]} step`
          : 'no installed node type takes steps:; move the body steps to the top level',
        path: [...path, 'steps'],
        stepId: step.id,
      }));
    }
  }
  return out;
}
