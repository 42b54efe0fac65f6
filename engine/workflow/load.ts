// The one way text becomes a workflow: parse (YAML limits, syntax, schema, comments → notes),
// then validate against the node registry (graph, configs, expressions). Every caller — tRPC,
// the CLI, import, publish, the editor — goes through here, so they all report the same
// diagnostics. Browser-safe: no Node built-ins.
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import type { Workflow } from '../format/schema.ts';
import { migrateConfig, type NodeRegistry } from '../nodes/define-node.ts';
import { validateWorkflow } from '../validate/index.ts';
import { parseWorkflowYaml, stringifyWorkflow } from '../yaml/index.ts';

export interface LoadResult {
  /** Present when the text parsed and matched the schema (it may still have graph errors). */
  workflow?: Workflow;
  diagnostics: Diagnostic[];
  /** No error-severity diagnostics: safe to publish and run. */
  ok: boolean;
}

export function loadWorkflowYaml(text: string, registry: NodeRegistry): LoadResult {
  const parsed = parseWorkflowYaml(text);
  if (!parsed.workflow) return { diagnostics: sortDiagnostics(parsed.diagnostics), ok: false };
  const diagnostics = sortDiagnostics([
    ...parsed.diagnostics,
    ...validateWorkflow(parsed.workflow, { registry, locate: parsed.locate }),
  ]);
  return { workflow: parsed.workflow, diagnostics, ok: !hasErrors(diagnostics) };
}

/** Rewrites every step's config to its node type's current version (see defineNode migrations). */
export function upgradeNodeConfigs(workflow: Workflow, registry: NodeRegistry): Workflow {
  const upgrade = (steps: Workflow['steps']): Workflow['steps'] =>
    steps.map((step) => {
      const def = registry.get(step.type);
      const from = step.version ?? 1;
      let next = step;
      if (def && from < def.version) {
        const { version: _old, ...rest } = step;
        next = { ...rest, with: migrateConfig(def, step.with ?? {}, from), ...(def.version > 1 ? { version: def.version } : {}) };
      }
      return next.steps ? { ...next, steps: upgrade(next.steps) } : next;
    });
  return { ...workflow, steps: upgrade(workflow.steps) };
}

/** Canonical text: what Switchyard writes, and what versions are hashed over. */
export function canonicalYaml(workflow: Workflow): string {
  return stringifyWorkflow(workflow);
}
