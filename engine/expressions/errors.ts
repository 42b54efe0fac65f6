// Expression errors are plain data (not Error instances) so they can be journaled, sent to the
// browser and compared in tests. `offset` is a 0-based UTF-16 index into the expression source
// (or into the template text for template errors) so the YAML codec can turn it into a
// line/column; `end` is exclusive when known.

export type ExpressionErrorCode =
  /** The source is not valid CEL, or a template is malformed (unterminated `${{`, empty `${{ }}`). */
  | 'EXPR_SYNTAX'
  /** An identifier is not one of the allowed roots (e.g. `input.x`, or `event` outside event triggers). */
  | 'EXPR_UNKNOWN_IDENTIFIER'
  /** A function or method that does not exist, e.g. `foo(1)` or `"a".shout()`. */
  | 'EXPR_UNKNOWN_FUNCTION'
  /** Operand/argument types do not fit, e.g. `"a" + 1`, `!inputs.count`, `inputs.s.size() > "x"`. */
  | 'EXPR_TYPE'
  /** The source is longer than `maxSourceLength`. */
  | 'EXPR_TOO_LONG'
  /** Nesting is deeper than allowed (parser depth, AST depth, or the JS stack). */
  | 'EXPR_TOO_DEEP'
  /** Too many AST nodes, list/map literal entries or call arguments. */
  | 'EXPR_TOO_COMPLEX'
  /** `__proto__`, `constructor` or `prototype` used as a field name or literal key. */
  | 'EXPR_FORBIDDEN'
  /** A `matches()` pattern that is invalid or uses an unsupported feature (backreferences, lookaround...). */
  | 'EXPR_REGEX'
  /** Evaluation read a field or list index that does not exist. */
  | 'EXPR_MISSING_FIELD'
  /** A root is allowed but the caller did not provide it (e.g. `secrets` outside the server). */
  | 'EXPR_UNAVAILABLE'
  /** A runtime budget ran out: steps, time, produced string/list size, regex work. */
  | 'EXPR_LIMIT_EXCEEDED'
  /** Other runtime failures: division by zero, integer overflow, bad conversion... */
  | 'EXPR_EVAL'
  /** The value cannot be represented as JSON (bytes, NaN/Infinity, integer beyond 2^53...). */
  | 'EXPR_RESULT'
  /** A bug or misuse of this module (reported rather than thrown). */
  | 'EXPR_INTERNAL';

export interface ExpressionError {
  code: ExpressionErrorCode;
  /** Complete, user-facing sentence(s): what is wrong and, where possible, how to fix it. */
  message: string;
  /** 0-based char offset of the offending token, where known. */
  offset?: number;
  /** Exclusive end offset of the offending span, where known. */
  end?: number;
  /** For EXPR_MISSING_FIELD: the source text of the access that failed, e.g. `steps.a.outputs.x`. */
  path?: string;
}

export function exprError(
  code: ExpressionErrorCode,
  message: string,
  span?: { offset?: number | undefined; end?: number | undefined; path?: string | undefined },
): ExpressionError {
  const error: ExpressionError = { code, message };
  if (span?.offset !== undefined) error.offset = span.offset;
  if (span?.end !== undefined) error.end = span.end;
  if (span?.path !== undefined) error.path = span.path;
  return error;
}

/** Moves an error found in an embedded expression to the coordinates of the enclosing text. */
export function shiftError(error: ExpressionError, by: number): ExpressionError {
  const shifted: ExpressionError = { ...error };
  if (shifted.offset !== undefined) shifted.offset += by;
  if (shifted.end !== undefined) shifted.end += by;
  return shifted;
}
