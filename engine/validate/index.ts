// validateWorkflow: every semantic problem of a schema-valid workflow, all at once. The
// input already passed workflowSchema (zod); these checks are what a schema cannot say — the
// graph, node configs, expressions and cross-references. Each check is a pure function in
// ./checks; this file builds the shared context once (graph.ts: scopes, edges, cycles,
// topological order, ancestor bit sets; config-prep.ts: migrated and parsed configs), runs
// them all and places each finding in the text (line/column) when a locate function is given.
// Every code, with its severity, is in ./codes.ts.
//
// Decisions:
//   - Port-less needs on a step with several outputs (condition, gate) are PORT_REQUIRED
//     errors: "needs: [check]" would run on both branches, which is almost never meant; the
//     hint names the ports and suggests a join with mode: any to continue after either.
//   - UNREACHABLE_STEP (waits for a cycle) is a warning: the CYCLE error is the cause, and
//     fixing it fixes these. A join with mode any / n_of_m is unreachable only when too few
//     of its needs can complete.
//   - Templates in config: a value that is exactly one `${{ … }}` is replaced by a
//     placeholder of a type its field accepts before parsing, so cross-field rules still run;
//     issues at templated values are dropped (see config-prep.ts).
//   - Gate approvers / timeout, loop max_iterations and a join's n_of_m count are reported
//     under GATE_NO_APPROVERS, GATE_NO_TIMEOUT, LOOP_NO_MAX_ITERATIONS and
//     JOIN_IMPOSSIBLE_COUNT instead of as INVALID_CONFIG (never both).
//   - Visibility of steps.<id> in expressions: a step sees its transitive needs, the bodies
//     of loops among them (a finished loop's body steps hold their last iteration), and —
//     in a loop body — what its loop sees. A loop's `until` and `outputs` also see its own
//     body; a step's `outputs` may read the step itself. steps[<computed>] is not checked.
//   - UNKNOWN_INPUT / UNKNOWN_VAR use the static access paths the expression layer reports;
//     secrets.<name> is not checked (secrets live outside the workflow).
//
// Column precision: for a problem inside a string (an expression error at character k of
// `if: inputs.x >`), the column is locate(path).column + k. That is exact for plain
// (unquoted) single-line scalars, one short for quoted ones (the opening quote), and for a
// problem past a line break in a multi-line string we keep the start of the value.
import type { Diagnostic, DocPath } from '../diagnostics.ts';
import type { Workflow } from '../format/schema.ts';
import { checkCompensation } from './checks/compensation.ts';
import { checkConfigs } from './checks/config.ts';
import { checkControlNodes } from './checks/control.ts';
import { checkCycles } from './checks/cycles.ts';
import { checkExpressions } from './checks/expressions.ts';
import { checkIds } from './checks/ids.ts';
import { checkInputs } from './checks/inputs.ts';
import { checkLayout } from './checks/layout.ts';
import { checkNeeds } from './checks/needs.ts';
import { checkNodeTypes } from './checks/node-types.ts';
import { checkPhases } from './checks/phases.ts';
import { checkTriggers } from './checks/triggers.ts';
import { prepareConfig, type StepConfig } from './config-prep.ts';
import type { Check, Finding, Locate, ValidateContext, ValidateOptions } from './context.ts';
import { buildGraph, type StepEntry } from './graph.ts';
import { waitRuleOf } from './node-rules.ts';

export { DIAGNOSTIC_CODES, listCodes, type CodeInfo, type ValidationCode } from './codes.ts';
export type { Locate, ValidateOptions } from './context.ts';

/** In the order their findings are reported (before sorting by position, which callers do). */
export const CHECKS: readonly { name: string; run: Check }[] = [
  { name: 'ids', run: checkIds },
  { name: 'node-types', run: checkNodeTypes },
  { name: 'config', run: checkConfigs },
  { name: 'control-nodes', run: checkControlNodes },
  { name: 'needs', run: checkNeeds },
  { name: 'cycles', run: checkCycles },
  { name: 'expressions', run: checkExpressions },
  { name: 'compensation', run: checkCompensation },
  { name: 'phases', run: checkPhases },
  { name: 'triggers', run: checkTriggers },
  { name: 'inputs', run: checkInputs },
  { name: 'layout', run: checkLayout },
];

export function createContext(workflow: Workflow, options: ValidateOptions): ValidateContext {
  const { registry } = options;
  const graph = buildGraph(workflow, waitRuleOf);
  const configs = new Map<StepEntry, StepConfig | undefined>();
  return {
    workflow, registry, graph,
    nodeOf: (entry) => registry.get(entry.step.type),
    configOf(entry) {
      if (configs.has(entry)) return configs.get(entry);
      const def = registry.get(entry.step.type);
      const config = def && (entry.step.version ?? 1) <= def.version ? prepareConfig(def, entry.step) : undefined;
      configs.set(entry, config);
      return config;
    },
  };
}

export function validateWorkflow(workflow: Workflow, options: ValidateOptions): Diagnostic[] {
  const ctx = createContext(workflow, options);
  const findings = CHECKS.flatMap((check) => check.run(workflow, ctx));
  return findings.map((f) => place(f, options.locate));
}

/** A located Diagnostic: the nearest located ancestor path when the exact one is not in the text (a missing key). */
function place(f: Finding, locate: Locate | undefined): Diagnostic {
  const { offset, text, ...diagnostic } = f;
  if (!locate) return diagnostic;
  let path: DocPath = f.path;
  let at = locate(path);
  while (!at && path.length) {
    path = path.slice(0, -1);
    at = locate(path);
  }
  if (!at) return diagnostic;
  let column = at.column;
  if (path.length === f.path.length && offset !== undefined && text !== undefined && !text.slice(0, offset).includes('\n')) column += offset;
  return { ...diagnostic, line: at.line, column };
}
