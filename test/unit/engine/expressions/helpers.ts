import { expect } from 'vitest';
import {
  compileExpression,
  evaluateExpression,
  type CompileOptions,
  type ExpressionContext,
  type ExpressionError,
  type JsonValue,
} from '../../../../engine/expressions/index.ts';

export const ctx = {
  inputs: {
    count: 3,
    confidence: 0.9,
    env: 'prod',
    name: 'Hello World',
    items: ['a', 'b', 'c'],
    nums: [1, 2, 3, 4],
    i: 1,
    nothing: null,
    nested: { a: 1, b: { c: true } },
    total: 7,
  },
  vars: { image: 'registry/app:1.2.3', region: 'eu-west-1' },
  steps: {
    check: { status: 'succeeded', outputs: { ok: true, score: 0.75, tags: ['x', 'y'] } },
    build: { status: 'failed', outputs: {} },
  },
  run: { id: 'run_1', number: 42, workflow: 'deploy', started_at: '2024-05-01T10:00:00Z' },
  trigger: { type: 'webhook', headers: { 'content-type': 'application/json' }, body: { ref: 'refs/heads/main' } },
  loop: { item: { name: 'svc-a' }, index: 2, iteration: 3 },
} as const satisfies ExpressionContext;

export function compileOk(source: string, opts?: CompileOptions) {
  const compiled = compileExpression(source, opts);
  if (!compiled.ok) throw new Error(`expected ${source} to compile, got ${JSON.stringify(compiled.error)}`);
  return compiled.expr;
}

export function evalValue(source: string, context: ExpressionContext = ctx, opts?: CompileOptions): JsonValue {
  const result = evaluateExpression(compileOk(source, opts), context);
  if (!result.ok) throw new Error(`expected ${source} to evaluate, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The error of compiling, or else evaluating, `source`. */
export function errorOf(source: string, context: ExpressionContext = ctx, opts?: CompileOptions): ExpressionError {
  const compiled = compileExpression(source, opts);
  if (!compiled.ok) return compiled.error;
  const result = evaluateExpression(compiled.expr, context);
  if (result.ok) throw new Error(`expected ${source} to fail, got ${JSON.stringify(result.value)}`);
  return result.error;
}

export function compileError(source: string, opts?: CompileOptions): ExpressionError {
  const compiled = compileExpression(source, opts);
  expect(compiled.ok, `expected ${source} not to compile`).toBe(false);
  if (compiled.ok) throw new Error('unreachable');
  return compiled.error;
}
