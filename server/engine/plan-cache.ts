// Plans of workflow versions, parsed once. Versions are immutable, so a burst of runs of one
// workflow must not re-parse its YAML per run; plans are read-only to the scheduler. The
// promise is cached, not the plan: a burst of starts that all miss the cache at once would
// otherwise each parse the YAML before the first one got to store its plan.
import { NotFoundError, ValidationError } from '../../engine/errors.ts';
import type { NodeRegistry } from '../../engine/nodes/define-node.ts';
import { buildPlan, type RunPlan } from '../../engine/run/plan.ts';
import { loadWorkflowYaml } from '../../engine/workflow/load.ts';
import type { Db } from '../db/client.ts';

const MAX_PLANS = 256;

export function createPlanCache(db: Db, registry: NodeRegistry): (versionId: string) => Promise<RunPlan> {
  const plans = new Map<string, Promise<RunPlan>>();

  async function load(versionId: string): Promise<RunPlan> {
    const version = await db.workflowVersion.findUnique({ where: { id: versionId }, select: { yaml: true } });
    if (!version) throw new NotFoundError('Version', versionId);
    const loaded = loadWorkflowYaml(version.yaml, registry);
    if (!loaded.ok || !loaded.workflow) throw new ValidationError('The workflow version no longer validates with the installed node types.', { diagnostics: loaded.diagnostics });
    return buildPlan(loaded.workflow, registry);
  }

  return (versionId) => {
    const cached = plans.get(versionId);
    if (cached) return cached;
    const plan = load(versionId);
    if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value!);
    plans.set(versionId, plan);
    plan.catch(() => { if (plans.get(versionId) === plan) plans.delete(versionId); });
    return plan;
  };
}
