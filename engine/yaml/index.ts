// The workflow YAML codec: text ⇄ Workflow. parse → located diagnostics, stringify →
// canonical text; comments above steps, triggers and top-level keys travel as notes.
export { parseWorkflowYaml, type ParseOptions, type ParseResult } from './parse.ts';
export { stringifyWorkflow } from './stringify.ts';
export { DEFAULT_LIMITS, type YamlLimits } from './limits.ts';
export { YAML_CODES, type YamlCode } from './codes.ts';
export type { LocatePart, Position } from './locate.ts';
