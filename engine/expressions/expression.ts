// Switchyard expressions: CEL (Common Expression Language) via @marcbachmann/cel-js.
//
// Language subset — what users can write in `if:` conditions and `${{ … }}` templates:
//   - literals: null, true/false, ints (42, 0xFF), doubles (0.8, 1e3), strings ("…", '…',
//     """…""", r"raw"), lists [a, b], maps {"k": v}; mixed-type literals are allowed;
//   - operators: + - * / %, == != < <= > >=, && || !, `x in list`/`key in map`, `c ? a : b`;
//   - field access a.b and a["b"], list index a[0];
//   - functions: size, int, double, string, bool, dyn, type, timestamp, duration; string
//     methods contains, startsWith, endsWith, matches, size, indexOf, lastIndexOf, substring,
//     split, lowerAscii, upperAscii, trim; list join; timestamp getters;
//   - macros: has(a.b), l.all(x, p), l.exists(x, p), l.exists_one(x, p), l.map(x, e),
//     l.map(x, p, e), l.filter(x, p), cel.bind(name, value, expr).
//   There are no loops, no recursion, no user-defined functions and no way to call JavaScript:
//   identifiers resolve only to the data roots below, field access reads own data properties
//   only, and `__proto__`/`constructor`/`prototype` are refused as keys at compile time.
//   Optional types (`a.?b`) are disabled.
//
// Roots: inputs, vars, steps (steps.<id>.outputs.<name>, steps.<id>.status), run, trigger,
// secrets, loop, event. Callers pass the allowed subset (e.g. `event` only in event-trigger
// conditions); any other identifier is EXPR_UNKNOWN_IDENTIFIER with the valid roots listed.
// An allowed root missing from the evaluation context (e.g. `secrets` outside the server) is
// EXPR_UNAVAILABLE when — and only when — evaluation actually reads it.
//
// Semantics decisions:
//   - Numbers: JSON numbers are CEL doubles, literals like `2` are CEL ints, and mixed
//     arithmetic/comparison works (see ./environment.ts). `inputs.count > 2`, `inputs.count + 1`,
//     `inputs.confidence > 0.8` and `inputs.count == 3` all do what they look like. Results come
//     back as JS numbers (see ./values.ts).
//   - Missing fields are errors (EXPR_MISSING_FIELD) naming the path and listing the fields that
//     do exist; null is a value, so `x.y` on null is the same error ("x is null"). Test with
//     `has(steps.a.outputs.x)`, or `has(a.x) ? a.x : default`.
//
// Limits (./limits.ts): source ≤ 4,000 chars (EXPR_TOO_LONG); AST depth ≤ 100 and parser nesting
// ≤ 250 (EXPR_TOO_DEEP); ≤ 1,000 AST nodes, ≤ 1,000 literal list/map entries, ≤ 32 call arguments
// (EXPR_TOO_COMPLEX); `matches()` patterns ≤ 500 chars in a linear-time subset of JavaScript
// regex syntax — no backreferences or lookaround (EXPR_REGEX, ./regex.ts). At runtime
// (./budget.ts): ≤ 1,000,000 evaluation steps, ≤ 1 s, produced strings ≤ 1,000,000 chars,
// produced lists ≤ 100,000 elements, ≤ 10,000,000 chars + elements produced in total, and
// `matches()` work (subject length × pattern size) ≤ 10,000,000 (EXPR_LIMIT_EXCEEDED).
//
// What cel-js guarantees about termination, and the runtime budget we add: ./budget.ts.
// Templates (`${{ … }}`, the `$${{` escape, typed single-expression values): ./template.ts.
// Nothing here throws on user input: every failure is an { ok: false, error } result.

import { EvaluationError, ParseError, TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { analyze, type Analysis } from './analysis.ts';
import type { AstNode } from './ast.ts';
import { Budget, instrument, LimitExceeded, missingFieldInfo, runWithBudget } from './budget.ts';
import { environmentFor, NAMESPACES } from './environment.ts';
import { exprError, type ExpressionError } from './errors.ts';
import { DEFAULT_LIMITS, resolveLimits, type ExpressionLimits } from './limits.ts';
import { normalizeContextData } from './context-data.ts';
import { celName, CEL_RESERVED, hasAlias, MATCHES_FUNCTION, restoreNames, rewriteReservedRoots } from './reserved.ts';
import { ResultError, toJsonValue, type JsonValue } from './values.ts';

/** Every root an expression may read; also the default allowed set. */
export const EXPRESSION_ROOTS = ['inputs', 'vars', 'steps', 'run', 'trigger', 'secrets', 'loop', 'event'] as const;
export type ExpressionRoot = (typeof EXPRESSION_ROOTS)[number];

const ROOT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface CompileOptions {
  /** Identifiers the expression may read. Default: all of EXPRESSION_ROOTS. */
  roots?: readonly string[];
  /** Overrides for compile-time limits and the default runtime limits of the compiled expression. */
  limits?: Partial<ExpressionLimits>;
}

export interface EvaluateOptions {
  /** Overrides for runtime limits (defaults come from the compile options). */
  limits?: Partial<ExpressionLimits>;
}

/**
 * The evaluation context: plain JSON data under the root names; keys that are not allowed roots
 * are ignored. (A union so both engine interfaces and literals with custom roots type-check.)
 */
export type ExpressionContext = Readonly<Partial<Record<ExpressionRoot, unknown>>> | Readonly<Record<string, unknown>>;

export interface CompiledExpression {
  readonly source: string;
  /** The roots this expression was allowed to read. */
  readonly allowedRoots: readonly string[];
  /** Roots actually referenced. */
  readonly roots: ReadonlySet<string>;
  /** Step ids referenced as steps.<id> / steps["<id>"]. */
  readonly steps: ReadonlySet<string>;
  /** True when steps is indexed by a computed key or used whole (its step references are unknowable). */
  readonly dynamicSteps: boolean;
  /** Longest static access paths, e.g. "steps.check.outputs.ok", `trigger.headers["x-id"]`. */
  readonly paths: readonly string[];
}

export type CompileResult = { ok: true; expr: CompiledExpression } | { ok: false; error: ExpressionError };
export type EvaluationResult<T = JsonValue> = { ok: true; value: T } | { ok: false; error: ExpressionError };

interface Internals {
  program: (context: Record<string, unknown>) => unknown;
  limits: Readonly<ExpressionLimits>;
}

// Keeps the cel-js program out of the public object (which stays plain, frozen data).
const internals = new WeakMap<CompiledExpression, Internals>();

export function compileExpression(source: string, opts: CompileOptions = {}): CompileResult {
  // Bad options are programming errors and throw; everything about `source` is a result.
  const limits = resolveLimits(DEFAULT_LIMITS, opts.limits);
  const roots = resolveRoots(opts.roots);
  try {
    return compileChecked(source, roots, limits);
  } catch (e) {
    return { ok: false, error: unexpected(e) };
  }
}

function resolveRoots(roots: readonly string[] | undefined): readonly string[] {
  if (roots === undefined) return EXPRESSION_ROOTS;
  for (const r of roots) {
    if (typeof r !== 'string' || !ROOT_NAME.test(r) || NAMESPACES.has(r) || (CEL_RESERVED.has(r) && !hasAlias(r))) {
      throw new TypeError(`Invalid expression root name: ${String(r)}`);
    }
  }
  return Object.freeze([...new Set(roots)]);
}

function compileChecked(source: string, roots: readonly string[], limits: Readonly<ExpressionLimits>): CompileResult {
  if (typeof source !== 'string') return fail(exprError('EXPR_SYNTAX', 'An expression must be a string.'));
  if (source.length > limits.maxSourceLength) {
    return fail(
      exprError('EXPR_TOO_LONG', `The expression is ${source.length} characters long; the limit is ${limits.maxSourceLength}.`, {
        offset: limits.maxSourceLength,
        end: source.length,
      }),
    );
  }
  if (source.trim() === '') return fail(exprError('EXPR_SYNTAX', 'The expression is empty.', { offset: 0, end: source.length }));

  const { env, functionNames } = environmentFor(roots);
  let parsed: ReturnType<typeof env.parse>;
  try {
    parsed = env.parse(rewriteReservedRoots(source));
  } catch (e) {
    return fail(mapCelError(e, source, functionNames));
  }
  const ast = parsed.ast as unknown as AstNode;

  let analysis: Analysis;
  try {
    analysis = analyze(ast, source, roots, limits);
  } catch (e) {
    return fail(mapCelError(e, source, functionNames));
  }
  const [problem] = analysis.problems;
  if (problem) return fail(exprError(problem.code, problem.message, { offset: problem.offset, end: problem.end }));

  // Point `s.matches(p)` at the linear-time matcher (see ./regex.ts) before type-checking binds it.
  for (const call of analysis.matchCalls) (call.args as unknown[])[0] = MATCHES_FUNCTION;

  // Type-check once now: static mistakes ("a" + 1, unknown functions) surface at compile time,
  // and cel-js caches the checked types so evaluations skip this step.
  const checked = parsed.check();
  if (!checked.valid) return fail(mapCelError(checked.error, source, functionNames));

  instrument(ast);
  const expr: CompiledExpression = Object.freeze({
    source,
    allowedRoots: roots,
    roots: analysis.roots,
    steps: analysis.steps,
    dynamicSteps: analysis.dynamicSteps,
    paths: Object.freeze(analysis.paths),
  });
  internals.set(expr, { program: parsed, limits });
  return { ok: true, expr };
}

function fail(error: ExpressionError): { ok: false; error: ExpressionError } {
  return { ok: false, error };
}

export function evaluateExpression(expr: CompiledExpression, context: ExpressionContext, opts: EvaluateOptions = {}): EvaluationResult {
  const inner = internals.get(expr);
  if (!inner) return fail(exprError('EXPR_INTERNAL', 'evaluateExpression() needs a value returned by compileExpression().'));
  const limits = resolveLimits(inner.limits, opts.limits);

  // Only the allowed roots, on a prototype-less object: nothing else is reachable by name.
  const data: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (typeof context === 'object' && context !== null) {
    const given = context as Readonly<Record<string, unknown>>;
    for (const root of expr.allowedRoots) {
      if (Object.hasOwn(given, root) && given[root] !== undefined) data[celName(root)] = given[root];
    }
  }

  let outcome = attempt(inner, expr.source, data, limits);
  if ('retry' in outcome) {
    // Data with a "constructor" key confuses cel-js's type detection; see ./context-data.ts.
    const normalized: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(data)) normalized[key] = normalizeContextData(data[key]);
    outcome = attempt(inner, expr.source, normalized, limits);
  }
  if ('error' in outcome) return fail(outcome.error);
  if ('retry' in outcome) return fail(outcome.retry);
  try {
    return { ok: true, value: toJsonValue(outcome.raw) };
  } catch (e) {
    if (e instanceof ResultError) return fail(exprError('EXPR_RESULT', e.message, { offset: 0, end: expr.source.length }));
    return fail(unexpected(e));
  }
}

type Attempt = { raw: unknown } | { error: ExpressionError } | { retry: ExpressionError };

function attempt(inner: Internals, source: string, data: Record<string, unknown>, limits: Readonly<ExpressionLimits>): Attempt {
  const budget = new Budget(limits);
  let raw: unknown;
  try {
    raw = runWithBudget(budget, () => inner.program(data));
  } catch (e) {
    if (budget.exceeded) return { error: limitError(budget.exceeded) };
    const error = mapCelError(e, source);
    return e instanceof EvaluationError && e.code === 'unsupported_type' ? { retry: error } : { error };
  }
  if (budget.exceeded) return { error: limitError(budget.exceeded) };
  if (raw instanceof Promise) return { error: exprError('EXPR_INTERNAL', 'The expression evaluated asynchronously, which is not supported.') };
  return { raw };
}

/** For `if:` conditions: like evaluateExpression, but the value must be a boolean. */
export function evaluateCondition(expr: CompiledExpression, context: ExpressionContext, opts: EvaluateOptions = {}): EvaluationResult<boolean> {
  const result = evaluateExpression(expr, context, opts);
  if (!result.ok) return result;
  if (typeof result.value === 'boolean') return { ok: true, value: result.value };
  const got = result.value === null ? 'null' : Array.isArray(result.value) ? 'a list' : typeof result.value === 'object' ? 'a map' : `the ${typeof result.value} ${JSON.stringify(result.value)}`;
  return fail(
    exprError('EXPR_TYPE', `A condition must evaluate to true or false, but this one gave ${got}. Compare it explicitly, e.g. \`x == "yes"\` or \`size(x) > 0\`.`, {
      offset: 0,
      end: expr.source.length,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Error mapping: cel-js ParseError / TypeError / EvaluationError → ExpressionError.

interface CelErrorLike {
  code: string;
  summary: string;
  range?: { start: number; end: number };
  node?: { op?: string; args?: unknown; start?: number; end?: number; pos?: number };
}

const TOKEN_WORDS: Readonly<Partial<Record<string, string>>> = {
  EOF: 'the end of the expression',
  NUMBER: 'a number',
  STRING: 'a string',
  BOOLEAN: 'a boolean',
  NULL: 'null',
  IDENTIFIER: 'a name',
  PLUS: "'+'",
  MINUS: "'-'",
  MULTIPLY: "'*'",
  DIVIDE: "'/'",
  MODULO: "'%'",
  EQ: "'=='",
  NE: "'!='",
  LT: "'<'",
  LE: "'<='",
  GT: "'>'",
  GE: "'>='",
  AND: "'&&'",
  OR: "'||'",
  NOT: "'!'",
  IN: "'in'",
  LPAREN: "'('",
  RPAREN: "')'",
  LBRACKET: "'['",
  RBRACKET: "']'",
  LBRACE: "'{'",
  RBRACE: "'}'",
  DOT: "'.'",
  COMMA: "','",
  COLON: "':'",
  QUESTION: "'?'",
  BYTES: 'bytes',
};

function readableSummary(summary: string): string {
  const word = (token: string): string => (Object.hasOwn(TOKEN_WORDS, token) ? TOKEN_WORDS[token]! : token);
  let m = /^Unexpected token: (\w+)$/.exec(summary);
  if (m) return m[1] === 'EOF' ? 'the expression ends too early' : `unexpected ${word(m[1]!)}`;
  m = /^Expected (\w+), got (\w+)$/.exec(summary);
  if (m) return `expected ${word(m[1]!)} but ${m[2] === 'EOF' ? 'the expression ended' : `found ${word(m[2]!)}`}`;
  return summary;
}

/** cel-js overload messages, phrased for people. */
function readableTypeSummary(summary: string): string {
  const s = summary.replace(/dyn<(\w+)>/g, '$1');
  let m = /^no such overload: (\S+) (\S+) (\S+)$/.exec(s);
  if (m) return `the operator '${m[2]}' cannot be applied to ${m[1]} and ${m[3]}`;
  m = /^no such overload: ([-!])(\S+)$/.exec(s);
  if (m) return `the operator '${m[1]}' cannot be applied to ${m[2]}`;
  m = /^found no matching overload for '([\w<>, ]+)\.(\w+)\((.*)\)'$/.exec(s);
  if (m) return `${m[2]}() cannot be called on ${m[1]} with ${m[3] ? `(${m[3]})` : 'no arguments'}`;
  m = /^found no matching overload for '(\w+)\((.*)\)'$/.exec(s);
  if (m) return `${m[1]}() does not accept ${m[2] ? `(${m[2]})` : 'no arguments'}`;
  return s;
}

function mapCelError(e: unknown, source: string, functionNames?: ReadonlySet<string>): ExpressionError {
  if (e instanceof LimitExceeded) return limitError(e);
  if (e instanceof RangeError) {
    if (/call stack/i.test(e.message)) return exprError('EXPR_TOO_DEEP', 'The expression is nested too deeply to evaluate.');
    return exprError('EXPR_LIMIT_EXCEEDED', `The expression produced a value that is too large (${e.message}).`);
  }
  if (!(e instanceof ParseError || e instanceof CelTypeError || e instanceof EvaluationError)) return unexpected(e);

  const err = e as unknown as CelErrorLike;
  const node = err.node;
  const span = { offset: err.range?.start ?? node?.pos ?? node?.start, end: err.range?.end ?? node?.end };
  const summary = restoreNames(readableSummary(err.summary));

  if (e instanceof ParseError) {
    if (err.code === 'limit_exceeded') {
      const deep = /maxDepth/.test(err.summary);
      return exprError(
        deep ? 'EXPR_TOO_DEEP' : 'EXPR_TOO_COMPLEX',
        deep ? 'The expression is nested too deeply.' : `The expression is too large: ${err.summary.replace(/^Exceeded /, 'more than the allowed ')}.`,
        span,
      );
    }
    if (err.code === 'reserved_identifier') return exprError('EXPR_SYNTAX', `${summary}: this word is reserved and cannot be used as a name.`, span);
    return exprError('EXPR_SYNTAX', `Syntax error: ${summary}.`, span);
  }

  switch (err.code) {
    case 'unknown_variable': {
      const name = typeof node?.args === 'string' ? restoreNames(node.args) : '';
      if (e instanceof EvaluationError) {
        return exprError('EXPR_UNAVAILABLE', `'${name}' is not available here (it was not provided to this evaluation${name === 'secrets' ? '; secrets are resolved only on the server' : ''}).`, span);
      }
      return exprError('EXPR_UNKNOWN_IDENTIFIER', `Unknown identifier '${name}'.`, span);
    }
    case 'no_such_key':
    case 'index_out_of_bounds':
      return missingField(e, err, source, summary);
    case 'no_matching_overload': {
      const name = (node?.op === 'call' || node?.op === 'rcall') && Array.isArray(node.args) ? node.args[0] : undefined;
      if (typeof name === 'string' && functionNames && !functionNames.has(name)) {
        return exprError('EXPR_UNKNOWN_FUNCTION', `Unknown function '${name}'.`, { offset: node?.start, end: node?.end });
      }
      return exprError('EXPR_TYPE', `${typeHint(summary)}`, span);
    }
    case 'no_such_overload':
    case 'invalid_logical_operand':
    case 'invalid_condition_type':
    case 'incompatible_ternary_branches':
    case 'variable_type_mismatch':
    case 'invalid_index_type':
    case 'cannot_index_type':
    case 'invalid_comprehension_range':
    case 'unsupported_type':
    case 'heterogeneous_list_element':
    case 'heterogeneous_map_key':
    case 'heterogeneous_map_value':
      return exprError('EXPR_TYPE', typeHint(summary), span);
    case 'invalid_macro_argument':
      return exprError('EXPR_SYNTAX', `${summary}.`, span);
    case 'invalid_regular_expression':
      return exprError('EXPR_REGEX', `${summary}.`, span);
    case 'regex_work_exceeded':
      return exprError('EXPR_LIMIT_EXCEEDED', `${summary}.`, span);
    default:
      return exprError('EXPR_EVAL', `${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`, span);
  }
}

function typeHint(summary: string): string {
  const base = `Type error: ${readableTypeSummary(summary)}.`;
  if (/double/.test(summary) && /int/.test(summary)) return `${base} Numbers from data are doubles; use int(x) where a whole number is required.`;
  return base;
}

function missingField(e: object, err: CelErrorLike, source: string, summary: string): ExpressionError {
  const node = err.node;
  const start = node?.start;
  const end = node?.end;
  const path = start !== undefined && end !== undefined ? source.slice(start, end) : undefined;
  // Point at the field name (a.b) or the index expression (a[i]).
  let offset = err.range?.start ?? start;
  if (node?.op === '[]' && Array.isArray(node.args)) offset = (node.args[1] as { start?: number } | undefined)?.start ?? offset;

  const parentNode = Array.isArray(node?.args) ? (node.args[0] as { start?: number; end?: number } | undefined) : undefined;
  const parentText = parentNode?.start !== undefined && parentNode.end !== undefined ? source.slice(parentNode.start, parentNode.end) : 'the value';
  const key = node?.op === '.' && Array.isArray(node.args) ? String(node.args[1]) : undefined;
  const info = missingFieldInfo.get(e);

  let message: string;
  if (info?.parent === 'null') message = `${parentText} is null, so ${path ?? 'the access'} cannot be read.`;
  else if (err.code === 'index_out_of_bounds') message = `${path ?? 'The index'} is out of range${info?.parent === 'list' ? ` (the list has ${info.length} items)` : ''}.`;
  else if (info?.parent === 'map') {
    const name = key ?? summary.replace(/^No such key: /, '');
    const keys = info.keys ?? [];
    const shown = keys.slice(0, 20).join(', ') + (keys.length > 20 ? ', …' : '');
    message = `${path ?? name} does not exist: ${parentText} has no field '${name}' (${keys.length ? `it has: ${shown}` : 'it is empty'}).`;
  } else if (info?.parent === 'list' || info?.parent === 'other') message = `${path ?? 'The access'} is not valid: ${parentText} is not a map.`;
  else message = `${path ?? 'A field'} does not exist (${summary}).`;
  if ((info === undefined || info.parent === 'map') && err.code === 'no_such_key' && path) message += ` Use has(${path}) to test for it.`;
  return exprError('EXPR_MISSING_FIELD', message, { offset, end, path });
}

function limitError(e: LimitExceeded): ExpressionError {
  return exprError('EXPR_LIMIT_EXCEEDED', e.message, { offset: e.offset, end: e.end });
}

function unexpected(e: unknown): ExpressionError {
  const detail = e instanceof Error ? e.message : String(e);
  return exprError('EXPR_INTERNAL', `Internal error while handling the expression: ${detail.split('\n')[0]}`);
}
