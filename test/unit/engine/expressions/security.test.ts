// Hostile expressions, templates and data must fail cleanly: an { ok: false } result with a
// specific code, no exception, no side effect, and quickly (< 1 s each).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileExpression,
  evaluateExpression,
  parseTemplate,
  renderTemplate,
  evaluateTemplateValue,
  type ExpressionContext,
  type ExpressionError,
  type ExpressionErrorCode,
} from '../../../../engine/expressions/index.ts';
import { ctx } from './helpers.ts';

type Probe = () => { ok: boolean; error?: ExpressionError; errors?: ExpressionError[] };

/** Runs `probe`, asserting it returns a failure (not a throw) within a second; returns the error. */
function cleanFailure(probe: Probe): ExpressionError {
  const started = performance.now();
  let result: ReturnType<Probe> | undefined;
  expect(() => {
    result = probe();
  }).not.toThrow();
  expect(performance.now() - started).toBeLessThan(1_000);
  expect(result?.ok).toBe(false);
  const error = result?.error ?? result?.errors?.[0];
  expect(error).toBeDefined();
  expect(typeof error!.message).toBe('string');
  return error!;
}

function run(source: string, context: ExpressionContext = ctx, limits?: Parameters<typeof compileExpression>[1]): Probe {
  return () => {
    const compiled = compileExpression(source, limits);
    return compiled.ok ? evaluateExpression(compiled.expr, context) : compiled;
  };
}

function failsWith(code: ExpressionErrorCode, source: string, context: ExpressionContext = ctx, opts?: Parameters<typeof compileExpression>[1]): ExpressionError {
  const error = cleanFailure(run(source, context, opts));
  expect(error.code, `${source}: ${error.message}`).toBe(code);
  return error;
}

const polluted = (): unknown => (({}) as Record<string, unknown>).polluted;
let prototypeSnapshot: Map<object, string[]>;
const prototypes: object[] = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype, BigInt.prototype, Map.prototype];

beforeAll(() => {
  prototypeSnapshot = new Map(prototypes.map((p) => [p, Reflect.ownKeys(p).map(String).sort()]));
});

afterAll(() => {
  // Nothing above may have touched a built-in prototype.
  expect(polluted()).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  for (const p of prototypes) expect(Reflect.ownKeys(p).map(String).sort()).toEqual(prototypeSnapshot.get(p));
});

describe('JavaScript object machinery is unreachable', () => {
  it.each([
    'inputs.constructor',
    'inputs.constructor.constructor("return process")',
    'inputs["constructor"]["constructor"]',
    'inputs["__proto__"]',
    'inputs.__proto__.polluted',
    'inputs.prototype',
    'dyn(inputs)["__proto__"]',
    '{"__proto__": {"polluted": true}}',
    '{"constructor": 1}',
    '[{"a": 1}][0].constructor',
  ])('%s is refused at compile time', (source) => {
    failsWith('EXPR_FORBIDDEN', source);
  });

  it.each([
    ['"".constructor.constructor("return process")()', 'EXPR_SYNTAX'],
    ['(inputs.x)("return process")', 'EXPR_SYNTAX'],
    ['process.exit(1)', 'EXPR_UNKNOWN_IDENTIFIER'],
    ['globalThis', 'EXPR_UNKNOWN_IDENTIFIER'],
    ['this', 'EXPR_UNKNOWN_IDENTIFIER'],
    ['constructor', 'EXPR_UNKNOWN_IDENTIFIER'],
    ['__proto__', 'EXPR_SYNTAX'],
    ['require("child_process")', 'EXPR_UNKNOWN_FUNCTION'],
    ['eval("1")', 'EXPR_UNKNOWN_FUNCTION'],
    ['Function("return 1")', 'EXPR_UNKNOWN_FUNCTION'],
    ['inputs.toString()', 'EXPR_UNKNOWN_FUNCTION'],
    ['inputs.hasOwnProperty("env")', 'EXPR_UNKNOWN_FUNCTION'],
    ['inputs.env.valueOf()', 'EXPR_UNKNOWN_FUNCTION'],
    ['inputs.items.push(1)', 'EXPR_UNKNOWN_FUNCTION'],
    ['cel.bind(__proto__, 1, 2)', 'EXPR_SYNTAX'],
    ['cel.constructor', 'EXPR_FORBIDDEN'],
    ['inputs.con\\u0073tructor', 'EXPR_SYNTAX'],
  ])('%s fails with %s', (source, code) => {
    failsWith(code as ExpressionErrorCode, source);
  });

  it('finds no inherited properties through computed keys', () => {
    failsWith('EXPR_MISSING_FIELD', 'inputs[["__proto__"][0]]');
    failsWith('EXPR_MISSING_FIELD', 'inputs["const" + "ructor"]');
    failsWith('EXPR_MISSING_FIELD', 'inputs["to" + "String"]');
    failsWith('EXPR_MISSING_FIELD', 'inputs.items["length"]');
    expect(evaluateExpression((compileExpression('"toString" in inputs') as { ok: true; expr: never }).expr, ctx)).toEqual({ ok: true, value: false });
  });
});

describe('prototype pollution through data', () => {
  const hostile = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "a": 1}') as Record<string, unknown>;
  const context = { inputs: hostile, vars: { list: JSON.parse('[{"__proto__": {"polluted": "yes"}}]') as unknown } };

  it('keeps __proto__ keys as inert data through evaluation and conversion', () => {
    for (const source of ['inputs', '{"copy": inputs}', '[inputs, inputs]', '[inputs].map(x, x)', 'cel.bind(x, inputs, x)', '{"k": inputs}["k"]']) {
      const compiled = compileExpression(source, { roots: ['inputs'] });
      if (!compiled.ok) throw new Error(compiled.error.message);
      const result = evaluateExpression(compiled.expr, context);
      expect(result.ok, source).toBe(true);
    }
    const compiled = compileExpression('inputs', { roots: ['inputs'] });
    if (!compiled.ok) throw new Error('compile failed');
    const result = evaluateExpression(compiled.expr, context);
    if (!result.ok) throw new Error('evaluation failed');
    const value = result.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(value.polluted).toBeUndefined();
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":1}');
    expect(polluted()).toBeUndefined();
  });

  it('renders hostile data as JSON without touching prototypes', () => {
    expect(renderTemplate('${{ inputs }} ${{ vars.list }}', context)).toEqual({
      ok: true,
      value: '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":1} [{"__proto__":{"polluted":"yes"}}]',
    });
    expect(evaluateTemplateValue('${{ vars.list[0] }}', context)).toMatchObject({ ok: true });
    expect(polluted()).toBeUndefined();
  });

  it('does not resolve inherited properties of hostile data', () => {
    failsWith('EXPR_MISSING_FIELD', 'inputs.polluted', context);
    failsWith('EXPR_MISSING_FIELD', 'vars.list[0].polluted', context);
    expect(run('inputs.a + 1', context)()).toEqual({ ok: true, value: 2 }); // the rest of the data stays usable
  });

  it('rejects non-JSON values in the context instead of calling them', () => {
    let called = false;
    const sneaky = { inputs: { f: () => (called = true), d: new (class Custom {})() } };
    failsWith('EXPR_TYPE', 'inputs.f', sneaky);
    failsWith('EXPR_TYPE', 'inputs.d', sneaky);
    expect(called).toBe(false);
  });

  it('survives cyclic and absurdly deep data', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    failsWith('EXPR_RESULT', 'inputs', { inputs: cyclic });
    expect(run('inputs.self.self.self.a + 1', { inputs: cyclic })()).toEqual({ ok: true, value: 2 }); // reading is fine
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    failsWith('EXPR_RESULT', 'inputs', { inputs: deep as Record<string, unknown> });
  });
});

describe('template tricks', () => {
  it.each([
    ['unterminated', 'echo ${{ inputs.env'],
    ['unterminated string', 'echo ${{ "}} }}'],
    ['empty', 'echo ${{ }}'],
    ['nested', '${{ ${{ inputs.env }} }}'],
    ['nested in an expression string concatenation', '${{ "a" + ${{ inputs.env }} }}'],
    ['stray closing inside', '${{ inputs.env }} }} ${{ }'],
    ['dangling opener at the end', 'abc ${{'],
  ])('%s fails cleanly', (_name, text) => {
    const error = cleanFailure(() => parseTemplate(text));
    expect(error.code).toBe('EXPR_SYNTAX');
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(text.length);
  });

  it('keeps template syntax inside strings literal, never evaluated twice', () => {
    expect(renderTemplate('${{ "${{ secrets.token }}" }}', ctx)).toEqual({ ok: true, value: '${{ secrets.token }}' });
    expect(renderTemplate('${{ "}}" }}', ctx)).toEqual({ ok: true, value: '}}' });
    // A value that looks like a template is data: rendering does not re-scan it.
    expect(renderTemplate('${{ inputs.x }}', { inputs: { x: '${{ secrets.token }}' } })).toEqual({ ok: true, value: '${{ secrets.token }}' });
  });

  it('parses a 100 KB template quickly', () => {
    const text = 'x ${{ inputs.env }} '.repeat(5_000);
    const started = performance.now();
    const result = renderTemplate(text, ctx);
    expect(result.ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('huge and expensive inputs', () => {
  it('refuses a 100 KB expression', () => {
    const error = failsWith('EXPR_TOO_LONG', '1 + '.repeat(25_000) + '1');
    expect(error.offset).toBe(4_000);
  });

  it('refuses 10,000-deep parentheses, with or without the length limit', () => {
    const source = '('.repeat(10_000) + '1' + ')'.repeat(10_000);
    failsWith('EXPR_TOO_LONG', source);
    failsWith('EXPR_TOO_DEEP', source, ctx, { limits: { maxSourceLength: 100_000 } });
    failsWith('EXPR_TOO_DEEP', '['.repeat(10_000) + ']'.repeat(10_000), ctx, { limits: { maxSourceLength: 100_000 } });
    failsWith('EXPR_TOO_DEEP', '!'.repeat(100_000) + 'true', ctx, { limits: { maxSourceLength: 200_000 } });
    failsWith('EXPR_TOO_DEEP', '-'.repeat(3_999) + '1');
    failsWith('EXPR_TOO_DEEP', 'inputs' + '.a'.repeat(1_500));
  });

  it('refuses very long operator chains and huge literals', () => {
    failsWith('EXPR_TOO_DEEP', '1' + ' + 1'.repeat(900));
    failsWith('EXPR_TOO_COMPLEX', '[' + '1,'.repeat(1_500) + '1]');
    failsWith('EXPR_TOO_COMPLEX', 'size([' + '1,'.repeat(1_200) + '1])', ctx, { limits: { maxSourceLength: 10_000, maxAstNodes: 100_000 } });
  });

  it('stops nested macro blowups with the step budget', () => {
    const list = `[${Array.from({ length: 100 }, (_, i) => i).join(', ')}]`;
    failsWith('EXPR_LIMIT_EXCEEDED', `cel.bind(l, ${list}, l.map(a, l.map(b, l.map(c, l.map(d, a + b + c + d)))))`);
    failsWith('EXPR_LIMIT_EXCEEDED', '[1,2,3].map(x, [1,2,3].map(y, [1,2,3].map(z, inputs.big.map(w, w))))', { inputs: { big: Array.from({ length: 200_000 }, (_, i) => i) } });
    const big = { inputs: { big: Array.from({ length: 2_000 }, (_, i) => i) } };
    const error = failsWith('EXPR_LIMIT_EXCEEDED', 'inputs.big.map(a, inputs.big.map(b, inputs.big.map(c, 0)))', big);
    expect(error.message).toMatch(/evaluation steps|list of/);
  });

  it('keeps an exhausted budget fatal even where CEL would swallow errors', () => {
    const big = { inputs: { big: Array.from({ length: 2_000 }, (_, i) => i) } };
    failsWith('EXPR_LIMIT_EXCEEDED', 'inputs.big.exists(a, inputs.big.exists(b, a * b < 0)) || true', big);
    failsWith('EXPR_LIMIT_EXCEEDED', 'inputs.big.all(a, inputs.big.all(b, a * b >= 0)) || true', big, { limits: { maxSteps: 1_000 } });
    failsWith('EXPR_LIMIT_EXCEEDED', '!inputs.big.exists(a, inputs.big.exists(b, a < 0)) && true', big, { limits: { maxSteps: 1_000 } });
  });

  it('caps the size of produced strings and lists', () => {
    const doubling = (seed: string) => `cel.bind(a, ${seed}, ` + 'cel.bind(a, a + a, '.repeat(40) + 'size(a)' + ')'.repeat(41);
    failsWith('EXPR_LIMIT_EXCEEDED', doubling('"xxxxxxxxxxxxxxxx"'));
    failsWith('EXPR_LIMIT_EXCEEDED', doubling('[1, 2, 3, 4]'));
    failsWith('EXPR_LIMIT_EXCEEDED', 'inputs.s + inputs.s', { inputs: { s: 'x'.repeat(600_000) } });
    failsWith('EXPR_LIMIT_EXCEEDED', 'inputs.l.map(x, inputs.l).map(y, y.join(""))', { inputs: { l: Array.from({ length: 3_000 }, () => 'abcdefghij') } });
  });

  it('enforces the wall-clock budget', () => {
    const big = { inputs: { big: Array.from({ length: 3_000 }, (_, i) => i) } };
    const error = failsWith('EXPR_LIMIT_EXCEEDED', 'inputs.big.map(a, inputs.big.map(b, a)).size()', big, { limits: { timeoutMs: 20, maxSteps: 1e12, maxListLength: 1e9, maxAllocation: 1e12 } });
    expect(error.message).toMatch(/took longer than 20 ms/);
  });

  it('matches() cannot be made to backtrack', () => {
    const subject = { inputs: { s: `${'a'.repeat(50_000)}!` } };
    for (const pattern of ['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '^.*a.*a.*a.*a.*b$']) {
      const started = performance.now();
      const compiled = compileExpression(`inputs.s.matches("${pattern}")`);
      if (!compiled.ok) throw new Error(compiled.error.message);
      expect(evaluateExpression(compiled.expr, subject)).toEqual({ ok: true, value: false });
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    failsWith('EXPR_LIMIT_EXCEEDED', 'inputs.s.matches("^(?:a?){0,1000}$")', subject); // 50,001 chars × ~3,000 instructions
    failsWith('EXPR_REGEX', 'inputs.s.matches("^(a{0,100}){0,100}$")', subject); // expands beyond the program-size cap
    failsWith('EXPR_REGEX', 'inputs.s.matches("(a)\\\\1")', subject);
    failsWith('EXPR_REGEX', 'inputs.s.matches(inputs.p)', { inputs: { s: 'x', p: '(?=x)' } });
    failsWith('EXPR_REGEX', 'inputs.s.matches(inputs.p)', { inputs: { s: 'x', p: 'a'.repeat(1_000) } });
  });
});

describe('functions, roots and secrets', () => {
  it('refuses functions that do not exist', () => {
    for (const source of ['exec("rm -rf /")', 'inputs.env.exec()', 'fetch("http://x")', 'steps.a.outputs.run()', 'size.call(1)']) {
      const error = cleanFailure(run(source));
      expect(['EXPR_UNKNOWN_FUNCTION', 'EXPR_UNKNOWN_IDENTIFIER']).toContain(error.code);
    }
  });

  it('never reveals secrets that were not provided, and refuses them where not allowed', () => {
    const error = failsWith('EXPR_UNAVAILABLE', 'secrets.api_key', { ...ctx });
    expect(error.message).not.toMatch(/undefined/);
    failsWith('EXPR_UNAVAILABLE', 'has(secrets.api_key)');
    failsWith('EXPR_UNKNOWN_IDENTIFIER', 'secrets.api_key', { secrets: { api_key: 'x' } }, { roots: ['inputs', 'steps'] });
    const template = cleanFailure(() => renderTemplate('curl -H "Authorization: ${{ secrets.token }}"', ctx));
    expect(template.code).toBe('EXPR_UNAVAILABLE');
  });

  it('does not accept non-string sources or contexts as attacks', () => {
    failsWith('EXPR_SYNTAX', 42 as unknown as string);
    expect(cleanFailure(() => parseTemplate({ toString: () => '${{ 1 }}' } as unknown as string)).code).toBe('EXPR_SYNTAX');
    const compiled = compileExpression('inputs.env');
    if (!compiled.ok) throw new Error('compile failed');
    expect(evaluateExpression(compiled.expr, null as unknown as ExpressionContext)).toMatchObject({ ok: false, error: { code: 'EXPR_UNAVAILABLE' } });
    expect(evaluateExpression(compiled.expr, { inputs: 'not a map' })).toMatchObject({ ok: false, error: { code: 'EXPR_TYPE' } });
  });
});
