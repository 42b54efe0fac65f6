// Public surface of the expression language (CEL conditions and `${{ … }}` templates).
// The language subset, limits and semantics are documented at the top of ./expression.ts.

export {
  compileExpression,
  evaluateExpression,
  evaluateCondition,
  EXPRESSION_ROOTS,
  type CompileOptions,
  type CompileResult,
  type CompiledExpression,
  type EvaluateOptions,
  type EvaluationResult,
  type ExpressionContext,
  type ExpressionRoot,
} from './expression.ts';
export { parseTemplate, isTemplate, renderTemplate, evaluateTemplateValue, type ParsedTemplate, type TemplatePart, type TemplateParseResult } from './template.ts';
export { referencedSteps, referencedRoots, referencedPaths, usesDynamicStepAccess } from './references.ts';
export type { ExpressionError, ExpressionErrorCode } from './errors.ts';
export { DEFAULT_LIMITS, type ExpressionLimits, type CompileLimits, type RuntimeLimits } from './limits.ts';
export type { JsonValue } from './values.ts';
