// Static references for the workflow validator, computed from the AST at compile time (see
// ./analysis.ts): which roots, step ids and data paths an expression — or every expression of
// a template — reads. The validator reports `steps.<id>` references to steps that are not
// upstream; `usesDynamicStepAccess` tells it when that check is impossible (`steps[x]`).

import type { CompiledExpression } from './expression.ts';
import type { ParsedTemplate } from './template.ts';

type Source = CompiledExpression | ParsedTemplate;

function expressionsOf(source: Source): CompiledExpression[] {
  if ('parts' in source) return source.parts.flatMap((p) => (p.kind === 'expr' ? [p.expr] : []));
  return [source];
}

/** Step ids referenced as `steps.<id>` or `steps["<id>"]` (including inside has()). */
export function referencedSteps(source: Source): Set<string> {
  return new Set(expressionsOf(source).flatMap((e) => [...e.steps]));
}

/** Root identifiers read: a subset of inputs, vars, steps, run, trigger, secrets, loop, event. */
export function referencedRoots(source: Source): Set<string> {
  return new Set(expressionsOf(source).flatMap((e) => [...e.roots]));
}

/** Longest static access paths, e.g. "steps.check.outputs.ok", "inputs.items[0]", `trigger.headers["x-id"]`. */
export function referencedPaths(source: Source): string[] {
  return [...new Set(expressionsOf(source).flatMap((e) => [...e.paths]))];
}

/** True when `steps` is indexed by a computed key or used as a whole, so referencedSteps is incomplete. */
export function usesDynamicStepAccess(source: Source): boolean {
  return expressionsOf(source).some((e) => e.dynamicSteps);
}
