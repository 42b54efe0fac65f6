// Hard limits for expressions. CEL has no loops or recursion, so work is already bounded by
// the size of the source and of the data — but "bounded" is not "small": nested macros over a
// 1,000-element literal are 10^9 steps. The compile-time limits keep sources small and shallow;
// the runtime limits (enforced by ./budget.ts, because cel-js has no runtime limits of its own)
// stop expensive evaluations early with EXPR_LIMIT_EXCEEDED instead of hanging a worker.

export interface CompileLimits {
  /** Max characters in one expression source (one `if:` or one `${{ … }}`). */
  maxSourceLength: number;
  /** Max depth of the parsed syntax tree (operators, calls, field accesses, macros). */
  maxAstDepth: number;
  /** Max number of syntax tree nodes. */
  maxAstNodes: number;
}

export interface RuntimeLimits {
  /** Max evaluated syntax-tree nodes per evaluation (each macro iteration counts its body). */
  maxSteps: number;
  /** Wall-clock budget per evaluation, checked every 1,024 steps. */
  timeoutMs: number;
  /** Max length of a string produced by an operator or function (context strings are exempt). */
  maxStringLength: number;
  /** Max length of a list produced by a literal, `+`, a function or a macro (context lists are exempt). */
  maxListLength: number;
  /** Max total characters + elements produced during one evaluation (memory bound). */
  maxAllocation: number;
  /** Max characters in a `matches()` pattern (literal patterns are checked at compile time). */
  maxRegexPatternLength: number;
  /** Max `matches()` work per call: subject length × compiled pattern size (the matcher is linear). */
  maxRegexWork: number;
}

export type ExpressionLimits = CompileLimits & RuntimeLimits;

export const DEFAULT_LIMITS: Readonly<ExpressionLimits> = Object.freeze({
  maxSourceLength: 4_000,
  maxAstDepth: 100,
  maxAstNodes: 1_000,
  maxRegexPatternLength: 500,
  maxSteps: 1_000_000,
  timeoutMs: 1_000,
  maxStringLength: 1_000_000,
  maxListLength: 100_000,
  maxAllocation: 10_000_000,
  maxRegexWork: 10_000_000,
});

/**
 * Parser-level limits handed to cel-js. They only guard the recursive-descent parser (our own,
 * configurable checks run on the tree afterwards); the list/map/argument caps are final.
 */
export const PARSER_LIMITS = Object.freeze({
  maxAstNodes: 20_000,
  maxDepth: 250,
  maxListElements: 1_000,
  maxMapEntries: 1_000,
  maxCallArguments: 32,
});

export function resolveLimits(base: Readonly<ExpressionLimits>, overrides?: Partial<ExpressionLimits>): Readonly<ExpressionLimits> {
  if (!overrides) return base;
  const merged: ExpressionLimits = { ...base };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ExpressionLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0)) throw new TypeError(`Expression limit ${key} must be a positive number, got ${String(value)}`);
    merged[key] = value;
  }
  return Object.freeze(merged);
}
