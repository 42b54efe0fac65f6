// What every check receives: the workflow, the registry, the graph and the per-step config
// analysis, all computed once by index.ts. Checks are pure functions (workflow, ctx) →
// Finding[]; index.ts turns findings into located Diagnostics.
import type { Diagnostic, DocPath } from '../diagnostics.ts';
import type { Workflow } from '../format/schema.ts';
import type { NodeDefinition, NodeRegistry } from '../nodes/define-node.ts';
import { DIAGNOSTIC_CODES, type ValidationCode } from './codes.ts';
import type { StepConfig } from './config-prep.ts';
import type { StepEntry, WorkflowGraph } from './graph.ts';

export type Locate = (path: DocPath) => { line: number; column: number } | undefined;

export interface ValidateOptions {
  registry: NodeRegistry;
  /** Maps a document path to where its value starts in the YAML text (1-based). */
  locate?: Locate;
}

/** A diagnostic before it is placed in the text. */
export interface Finding extends Diagnostic {
  /** For a problem inside a string value: the offset into `text` (the value at `path`), for a finer column. */
  offset?: number;
  text?: string;
}

export interface ValidateContext {
  workflow: Workflow;
  registry: NodeRegistry;
  graph: WorkflowGraph;
  /** The node type of a step, when it is installed. */
  nodeOf(entry: StepEntry): NodeDefinition | undefined;
  /** The step's config checked against its node type; undefined when the type is unknown or the version too new. */
  configOf(entry: StepEntry): StepConfig | undefined;
}

export type Check = (workflow: Workflow, ctx: ValidateContext) => Finding[];

export interface FindingFields {
  message: string;
  hint?: string;
  path: DocPath;
  stepId?: string;
  offset?: number;
  text?: string;
}

/** A finding with the severity the code table gives it. */
export function finding(code: ValidationCode, fields: FindingFields): Finding {
  const out: Finding = { severity: DIAGNOSTIC_CODES[code].severity, code, message: fields.message, path: fields.path };
  if (fields.hint) out.hint = fields.hint;
  if (fields.stepId !== undefined) out.stepId = fields.stepId;
  if (fields.offset !== undefined && fields.text !== undefined) { out.offset = fields.offset; out.text = fields.text; }
  return out;
}
