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
  /** For a body step: the loop that holds it. */
  parent?: string;
  /** For a loop: its body steps, in document order. */
  body?: string[];
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
// `subworkflow` is scheduled like an action step (it runs while its child run runs); the server
// gives it its meaning (server/engine/subworkflows.ts).
export const SCHEDULED_CONTROL_TYPES: ReadonlySet<string> = new Set(['condition', 'parallel', 'join', 'delay', 'gate', 'loop', 'subworkflow']);

const engineSupports = (def: NodeDefinition) => def.kind === 'action' || SCHEDULED_CONTROL_TYPES.has(def.type);

/**
 * Builds the plan of a workflow that passed validation. Node types whose semantics this engine
 * does not implement yet are refused up front, so a run never stalls halfway on one.
 */
export function buildPlan(workflow: Workflow, registry: NodeRegistry, supported: (def: NodeDefinition) => boolean = engineSupports): RunPlan {
  const compensations = new Set(workflow.steps.flatMap((s) => (s.compensate ? [s.compensate] : [])));
  const nodes = new Map<string, PlanNode>();
  const add = (step: Step, parent?: string) => {
    const def = registry.get(step.type);
    if (!def) throw new PlanError(`Step "${step.id}" uses node type "${step.type}", which is not installed.`);
    if (!supported(def)) throw new PlanError(`Step "${step.id}" is a ${def.title} (${def.type}) step, which this version of the engine cannot run yet.`);
    const node: PlanNode = { id: step.id, step, def, needs: (step.needs ?? []).map(parseNeed), downstream: [], isCompensation: compensations.has(step.id), ...(parent ? { parent } : {}) };
    nodes.set(step.id, node);
    if (def.container) {
      node.body = (step.steps ?? []).map((s) => s.id);
      for (const child of step.steps ?? []) add(child, step.id);
    }
  };
  for (const step of workflow.steps) add(step);
  for (const node of nodes.values()) {
    for (const need of node.needs) nodes.get(need.from)?.downstream.push(node.id);
  }
  return { workflow, nodes, order: workflow.steps.map((s) => s.id) };
}
