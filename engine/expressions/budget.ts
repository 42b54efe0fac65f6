// Runtime budget. What cel-js guarantees: the language has no loops, recursion or user-defined
// functions; macros (all/exists/map/filter) iterate once over an existing list; parsing is
// bounded by structural limits (depth, node count, literal sizes). What it does not have is
// any runtime limit, and bounded is not cheap: `l.map(a, l.map(b, l.map(c, 0)))` over a
// 1,000-element literal is 10^9 steps, and `cel.bind` can double a string 100 times.
//
// So after compiling we instrument every AST node (including macro expansions, which hang off
// node.meta) by installing an own `evaluate` that, around the library's evaluation:
//   - counts a step and, every 1,024 steps, checks the wall-clock deadline;
//   - for nodes that create values (`+`, literals, function calls, macro accumulators), checks
//     the produced string/list size and charges it to a total allocation budget;
// The first exceeded limit is remembered: cel-js may swallow errors inside `||`, `&&`, `all`
// and `exists` (CEL's commutative error semantics), but once a budget is exhausted every later
// step throws again, and evaluateExpression reports the remembered error whatever the result.
//
// cel-js's ASTNode.prototype.evaluate replaces itself with an own property on first use; our
// wrapper calls it each time and then restores itself, so it never gets bypassed.

import { ACCESS_OPS, isAstNode, type AstNode } from './ast.ts';
import type { RuntimeLimits } from './limits.ts';

/** Thrown (and remembered) when a runtime limit is hit. */
export class LimitExceeded extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly end: number,
  ) {
    super(message);
    this.name = 'LimitExceeded';
  }
}

export class Budget {
  steps = 0;
  allocated = 0;
  exceeded: LimitExceeded | undefined;
  readonly deadline: number;

  constructor(readonly limits: RuntimeLimits) {
    this.deadline = performance.now() + limits.timeoutMs;
  }

  fail(message: string, node: AstNode): never {
    const error = new LimitExceeded(message, node.start, node.end);
    this.exceeded ??= error;
    throw error;
  }
}

let active: Budget | null = null;

/** The limits of the evaluation in progress (for library functions such as matches()). */
export function activeLimits(): RuntimeLimits | undefined {
  return active?.limits;
}

/** Runs `fn` with `budget` charged by instrumented nodes. Synchronous, so a module-level slot is enough. */
export function runWithBudget<T>(budget: Budget, fn: () => T): T {
  const previous = active;
  active = budget;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/**
 * plain: returns existing data (field access, variables, comparisons...): only a step.
 * produces: creates a string/list/map whose size is charged.
 * push: a macro accumulator push: one element, and the accumulator's length is capped.
 */
type Kind = 'plain' | 'produces' | 'push';

const PRODUCING_OPS: ReadonlySet<string> = new Set(['+', 'list', 'map', 'call', 'rcall']);

type EvaluateFn = (this: AstNode, ev: unknown, ast: unknown, ctx: unknown) => unknown;
interface Meta {
  alternate?: unknown;
  macro?: unknown;
}

/** Installs the budget guard on every node reachable from `root`. Call once, after type-checking. */
export function instrument(root: AstNode): void {
  const seen = new Set<unknown>();
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (isAstNode(value)) {
      guard(value);
      const meta = (value as { meta?: Meta }).meta;
      pending.push(value.args, meta?.alternate, meta?.macro);
      continue;
    }
    // Argument arrays, comprehension arg records and macro records: plain containers only
    // (skips cel-js contexts and anything else with a class).
    if (Array.isArray(value)) pending.push(...value);
    else if (Object.getPrototypeOf(value) === Object.prototype) pending.push(...Object.values(value));
  }
}

function kindOf(node: AstNode): Kind {
  if (node.op === 'accuPush') return 'push';
  const meta = (node as { meta?: Meta }).meta;
  // Macro calls return what their accumulator built, which was already charged per element.
  if (meta?.alternate !== undefined || meta?.macro !== undefined) return 'plain';
  return PRODUCING_OPS.has(node.op) ? 'produces' : 'plain';
}

function guard(node: AstNode): void {
  const protoEvaluate = (Object.getPrototypeOf(node) as { evaluate?: EvaluateFn }).evaluate;
  if (typeof protoEvaluate !== 'function') return;
  const kind = kindOf(node);
  const isAccess = ACCESS_OPS.has(node.op);
  const holder = node as unknown as { evaluate: EvaluateFn };

  const guarded: EvaluateFn = function (this: AstNode, ev, ast, ctx) {
    const budget = active;
    if (budget !== null) {
      const { limits } = budget;
      if (budget.exceeded) throw budget.exceeded;
      if (++budget.steps > limits.maxSteps) {
        budget.fail(`The expression did too much work (more than ${limits.maxSteps} evaluation steps); avoid nested map/filter over large lists.`, this);
      }
      if ((budget.steps & 1023) === 0 && performance.now() > budget.deadline) {
        budget.fail(`The expression took longer than ${limits.timeoutMs} ms to evaluate.`, this);
      }
    }
    let result: unknown;
    try {
      result = protoEvaluate.call(this, ev, ast, ctx);
    } catch (e) {
      if (isAccess && typeof e === 'object' && e !== null && (e as { node?: unknown }).node === this) describeParent(e, ev, this, ctx);
      throw e;
    } finally {
      holder.evaluate = guarded;
    }
    if (budget !== null && kind !== 'plain') account(budget, this, kind, result);
    return result;
  };
  holder.evaluate = guarded;
}

function sizeOf(v: unknown): { length: number; what: 'string' | 'list' | 'map' } | undefined {
  if (typeof v === 'string') return { length: v.length, what: 'string' };
  if (Array.isArray(v) || v instanceof Uint8Array) return { length: v.length, what: 'list' };
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) return { length: Object.keys(v).length, what: 'map' };
  return undefined;
}

function account(budget: Budget, node: AstNode, kind: Kind, result: unknown): void {
  const { limits } = budget;
  const size = sizeOf(result);
  if (!size) return;
  const max = size.what === 'string' ? limits.maxStringLength : limits.maxListLength;
  if (size.length > max) {
    budget.fail(`The expression produced a ${size.what} of ${size.length} ${size.what === 'string' ? 'characters' : 'entries'} (limit ${max}).`, node);
  }
  budget.allocated += kind === 'push' ? 1 : size.length;
  if (budget.allocated > limits.maxAllocation) {
    budget.fail(`The expression built too much data (more than ${limits.maxAllocation} characters/elements in total).`, node);
  }
}

/** What the object was when `a.b` / `a[i]` failed, so the error can say "a is null" or list a's fields. */
export interface MissingFieldInfo {
  parent: 'null' | 'map' | 'list' | 'other';
  keys?: string[];
  length?: number;
}

/** Filled for cel-js errors thrown directly by an access node; read by the error mapper. */
export const missingFieldInfo = new WeakMap<object, MissingFieldInfo>();

function describeParent(error: object, ev: unknown, node: AstNode, ctx: unknown): void {
  const run = (ev as { run?: (ast: AstNode, ctx: unknown) => unknown }).run;
  const left = (node.args as [AstNode, unknown])[0];
  if (typeof run !== 'function' || missingFieldInfo.has(error)) return;
  const saved = active;
  active = null; // not charged: it just ran within budget, and must not turn this error into a limit error
  try {
    // Pure and already evaluated once a moment ago, so re-running it is cheap and safe.
    const value = run.call(ev, left, ctx);
    if (value === null) missingFieldInfo.set(error, { parent: 'null' });
    else if (Array.isArray(value)) missingFieldInfo.set(error, { parent: 'list', length: value.length });
    else if (value instanceof Map) missingFieldInfo.set(error, { parent: 'map', keys: [...value.keys()].map(String) });
    else if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
      missingFieldInfo.set(error, { parent: 'map', keys: Object.keys(value) });
    } else missingFieldInfo.set(error, { parent: 'other' });
  } catch {
    // Describing is best effort; the original error is what matters.
  } finally {
    active = saved;
  }
}
