// A run plan: a validated workflow compiled into what the scheduler needs at every decision —
// each step's parsed needs, its node definition, who depends on it, and which steps are
// compensations (named by another step's `compensate`, so they never run in the normal graph).
import type { Step, Workflow } from '../format/schema.ts';
import type { NodeDefinition, NodeRegistry } from '../nodes/define-node.ts';

export interface Need { from: string; port?: string }

export interface PlanNode {
  id: string;
  step: Step;
  def: NodeDefinition;
  needs: Need[];
  /** Steps that need this one. */
  downstream: string[];
  isCompensation: boolean;
}

export interface RunPlan {
  workflow: Workflow;
  nodes: ReadonlyMap<string, PlanNode>;
  /** Top-level steps in document order. */
  order: readonly string[];
}

export class PlanError extends Error {
  override name = 'PlanError';
}

export function parseNeed(need: string): Need {
  const dot = need.indexOf('.');
  return dot === -1 ? { from: need } : { from: need.slice(0, dot), port: need.slice(dot + 1) };
}

/** Control node types whose semantics the scheduler implements (the rest are on the way). */
export const SCHEDULED_CONTROL_TYPES: ReadonlySet<string> = new Set(['condition', 'parallel', 'join', 'delay', 'gate']);

const engineSupports = (def: NodeDefinition) => def.kind === 'action' || SCHEDULED_CONTROL_TYPES.has(def.type);

/**
 * Builds the plan of a workflow that passed validation. Node types whose semantics this engine
 * does not implement yet are refused up front, so a run never stalls halfway on one.
 */
export function buildPlan(workflow: Workflow, registry: NodeRegistry, supported: (def: NodeDefinition) => boolean = engineSupports): RunPlan {
  const compensations = new Set(workflow.steps.flatMap((s) => (s.compensate ? [s.compensate] : [])));
  const nodes = new Map<string, PlanNode>();
  for (const step of workflow.steps) {
    const def = registry.get(step.type);
    if (!def) throw new PlanError(`Step "${step.id}" uses node type "${step.type}", which is not installed.`);
    if (!supported(def)) throw new PlanError(`Step "${step.id}" is a ${def.title} (${def.type}) step, which this version of the engine cannot run yet.`);
    nodes.set(step.id, { id: step.id, step, def, needs: (step.needs ?? []).map(parseNeed), downstream: [], isCompensation: compensations.has(step.id) });
  }
  for (const node of nodes.values()) {
    for (const need of node.needs) nodes.get(need.from)?.downstream.push(node.id);
  }
  return { workflow, nodes, order: workflow.steps.map((s) => s.id) };
}
