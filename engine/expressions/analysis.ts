// Static analysis of a parsed expression, done once at compile time. It walks the cel-js AST
// (not the source text, so `"steps.x"` in a string literal or a macro variable named `steps`
// are never mistaken for references) and produces:
//   - the free root identifiers and static paths the expression reads (for the validator);
//   - which step ids it references as `steps.<id>` / `steps["<id>"]`, and whether it indexes
//     `steps` dynamically (`steps[inputs.which]`, `size(steps)`), which no validator can check;
//   - the problems that make compilation fail: unknown roots, forbidden keys, unsafe regexes,
//     invalid `matches()` patterns, excessive depth or size;
//   - the `matches()` call nodes, which compileExpression points at our linear-time matcher.
// Scoping follows the macros cel-js expands: `list.all/exists/exists_one/filter(x, …)`,
// `list.map(x, …)` / `list.map(x, filter, …)` bind `x` in their other arguments, and
// `cel.bind(x, init, body)` binds `x` in `body` only.

import { ACCESS_OPS, childNodes, isAstNode, type AstNode } from './ast.ts';
import type { ExpressionErrorCode } from './errors.ts';
import { NAMESPACES } from './environment.ts';
import type { ExpressionLimits } from './limits.ts';
import { compileRegex, RegexError } from './regex.ts';
import { userName } from './reserved.ts';

/** Keys that name JavaScript object machinery rather than data; refused everywhere. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// A Map, not an object literal: method names like `constructor` must not hit Object.prototype.
const COMPREHENSIONS: ReadonlyMap<string, readonly number[]> = new Map([
  ['all', [2]],
  ['exists', [2]],
  ['exists_one', [2]],
  ['filter', [2]],
  ['map', [2, 3]],
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface Problem {
  code: ExpressionErrorCode;
  message: string;
  offset: number;
  end: number;
}

export interface Analysis {
  /** Free root identifiers read by the expression (only allowed ones when compilation succeeds). */
  roots: Set<string>;
  /** Step ids referenced statically. */
  steps: Set<string>;
  /** True when `steps` is indexed by a computed key or used as a whole. */
  dynamicSteps: boolean;
  /** Longest static access paths, e.g. `steps.check.outputs.ok`, `trigger.headers["x-id"]`. */
  paths: string[];
  nodeCount: number;
  /** Problems in source order of discovery; compilation reports the first. */
  problems: Problem[];
  /** `s.matches(p)` call nodes. */
  matchCalls: AstNode[];
}

type Segment = string | number;

export function analyze(root: AstNode, source: string, allowedRoots: readonly string[], limits: ExpressionLimits): Analysis {
  const allowed = new Set(allowedRoots);
  const result: Analysis = {
    roots: new Set(),
    steps: new Set(),
    dynamicSteps: false,
    paths: [],
    nodeCount: 0,
    problems: [],
    matchCalls: [],
  };
  const seenPaths = new Set<string>();
  let tooDeep = false;

  const problem = (code: ExpressionErrorCode, message: string, node: AstNode, at: number = node.start): void => {
    result.problems.push({ code, message, offset: at, end: node.end });
  };

  // An identifier not bound by a macro: check it is an allowed root and return the user's
  // spelling (cel-js sees `loop` under an alias, see ./reserved.ts).
  const freeIdentifier = (node: AstNode): string => {
    const name = userName(node.args as string, source, node.start);
    result.roots.add(name);
    if (!allowed.has(name)) problem('EXPR_UNKNOWN_IDENTIFIER', unknownIdentifierMessage(name, allowedRoots), node);
    return name;
  };

  const recordPath = (rootName: string, segments: Segment[]): void => {
    const text = formatPath(rootName, segments);
    if (!seenPaths.has(text)) {
      seenPaths.add(text);
      result.paths.push(text);
    }
    if (rootName === 'steps') {
      const id = segments[0];
      if (typeof id === 'string') result.steps.add(id);
      else result.dynamicSteps = true;
    }
  };

  const walk = (node: AstNode, scope: ReadonlySet<string>, depth: number): void => {
    result.nodeCount++;
    if (depth > limits.maxAstDepth) {
      if (!tooDeep) problem('EXPR_TOO_DEEP', `The expression is nested too deeply (more than ${limits.maxAstDepth} levels). Split it up, e.g. with intermediate variables.`, node);
      tooDeep = true;
      return;
    }
    const d = depth + 1;

    if (ACCESS_OPS.has(node.op)) return walkAccess(node, scope, depth);

    switch (node.op) {
      case 'id': {
        const name = node.args as string;
        if (scope.has(name)) return;
        recordPath(freeIdentifier(node), []);
        return;
      }
      case 'map': {
        for (const [key, value] of node.args as [AstNode, AstNode][]) {
          if (key.op === 'value' && typeof key.args === 'string' && FORBIDDEN_KEYS.has(key.args)) {
            problem('EXPR_FORBIDDEN', forbiddenKeyMessage(key.args), key);
          }
          walk(key, scope, d);
          walk(value, scope, d);
        }
        return;
      }
      case 'rcall': {
        const [name, receiver, args] = node.args as [string, AstNode, AstNode[]];
        const binder = args[0]?.op === 'id' ? (args[0].args as string) : undefined;
        if (name === 'bind' && receiver.op === 'id' && receiver.args === 'cel' && !scope.has('cel') && args.length === 3 && binder !== undefined) {
          result.nodeCount += 2; // receiver + binder
          walk(args[1]!, scope, d);
          walk(args[2]!, withName(scope, binder), d);
          return;
        }
        if (COMPREHENSIONS.get(name)?.includes(args.length) && binder !== undefined) {
          result.nodeCount++; // binder
          walk(receiver, scope, d);
          const inner = withName(scope, binder);
          for (const arg of args.slice(1)) walk(arg, inner, d);
          return;
        }
        if (name === 'matches' && args.length === 1) checkMatches(node, args[0]!);
        walk(receiver, scope, d);
        for (const arg of args) walk(arg, scope, d);
        return;
      }
      default:
        for (const child of childNodes(node)) walk(child, scope, d);
    }
  };

  // a.b["c"][i].d — record the longest static prefix from a free root, then walk whatever is dynamic.
  const walkAccess = (node: AstNode, scope: ReadonlySet<string>, depth: number): void => {
    const chain: AstNode[] = [];
    let base: AstNode = node;
    while (ACCESS_OPS.has(base.op)) {
      chain.push(base);
      base = (base.args as [AstNode, unknown])[0];
    }
    chain.reverse();
    result.nodeCount += chain.length - 1; // `node` itself was counted by walk()
    const baseDepth = depth + chain.length;
    if (baseDepth > limits.maxAstDepth) return walk(base, scope, baseDepth); // reports EXPR_TOO_DEEP

    for (const link of chain) {
      const key = literalKey(link);
      if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) {
        const at = link.op === '.' || link.op === '.?' ? link.pos : (link.args as [AstNode, AstNode])[1].start;
        problem('EXPR_FORBIDDEN', forbiddenKeyMessage(key), link, at);
      }
    }

    if (base.op === 'id' && !scope.has(base.args as string)) {
      result.nodeCount++;
      const rootName = freeIdentifier(base);
      const segments: Segment[] = [];
      for (const link of chain) {
        const key = literalKey(link);
        if (key === undefined) break;
        segments.push(key);
      }
      recordPath(rootName, segments);
    } else {
      walk(base, scope, baseDepth);
    }
    for (const link of chain) {
      if (link.op === '[]' || link.op === '[?]') walk((link.args as [AstNode, AstNode])[1], scope, baseDepth);
    }
  };

  // Literal patterns are compiled now so mistakes surface in the editor; computed patterns are
  // compiled (and can fail) at evaluation time.
  const checkMatches = (call: AstNode, pattern: AstNode): void => {
    result.matchCalls.push(call);
    if (pattern.op !== 'value' || typeof pattern.args !== 'string') return;
    const why = regexProblem(pattern.args, limits.maxRegexPatternLength);
    if (why) problem('EXPR_REGEX', `Invalid matches() pattern: ${why}.`, pattern);
  };

  walk(root, new Set(), 1);
  if (result.nodeCount > limits.maxAstNodes) {
    result.problems.unshift({
      code: 'EXPR_TOO_COMPLEX',
      message: `The expression is too large (${result.nodeCount} syntax nodes, limit ${limits.maxAstNodes}). Split it into smaller expressions.`,
      offset: 0,
      end: root.end,
    });
  }
  // Depth problems first: they mean the rest of the tree was not examined.
  result.problems.sort((a, b) => rank(a.code) - rank(b.code));
  return result;
}

export function regexProblem(pattern: string, maxLength: number): string | undefined {
  if (pattern.length > maxLength) return `it is ${pattern.length} characters long (limit ${maxLength})`;
  try {
    compileRegex(pattern);
    return undefined;
  } catch (e) {
    if (e instanceof RegexError) return e.message;
    throw e;
  }
}

function rank(code: ExpressionErrorCode): number {
  return code === 'EXPR_TOO_DEEP' ? 0 : code === 'EXPR_TOO_COMPLEX' ? 1 : 2;
}

function withName(scope: ReadonlySet<string>, name: string): ReadonlySet<string> {
  const next = new Set(scope);
  next.add(name);
  return next;
}

/** The key of `x.key` / `x["key"]` / `x[3]`, or undefined when computed at runtime. */
function literalKey(link: AstNode): Segment | undefined {
  if (link.op === '.' || link.op === '.?') return (link.args as [AstNode, string])[1];
  const index = (link.args as [AstNode, unknown])[1];
  if (!isAstNode(index) || index.op !== 'value') return undefined;
  if (typeof index.args === 'string') return index.args;
  if (typeof index.args === 'bigint' && index.args >= 0n && index.args <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(index.args);
  return undefined;
}

export function formatPath(rootName: string, segments: readonly Segment[]): string {
  let out = rootName;
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function forbiddenKeyMessage(key: string): string {
  return `"${key}" cannot be used as a field name or key: it names JavaScript object internals, not data.`;
}

function unknownIdentifierMessage(name: string, allowedRoots: readonly string[]): string {
  const valid = allowedRoots.join(', ');
  if (NAMESPACES.has(name)) return `'${name}' can only be used as cel.bind(name, value, expression). Expressions can read: ${valid}.`;
  const suggestion = closest(name, allowedRoots);
  const hint = suggestion ? ` Did you mean '${suggestion}'?` : '';
  return `Unknown identifier '${name}'.${hint} Expressions can read: ${valid}.`;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const dist = editDistance(name.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
