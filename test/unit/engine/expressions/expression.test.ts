import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  evaluateCondition,
  evaluateExpression,
  EXPRESSION_ROOTS,
} from '../../../../engine/expressions/index.ts';
import { compileError, compileOk, ctx, errorOf, evalValue } from './helpers.ts';

describe('arithmetic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['7 / 2', 3], // CEL int division when both sides are ints
    ['7 % 3', 1],
    ['-5 + 2', -3],
    ['7.0 / 2.0', 3.5],
    ['0.1 + 0.2 > 0.3', true],
    ['0x10 + 1', 17],
    ['1e3', 1000],
  ])('%s = %j', (source, expected) => {
    expect(evalValue(source)).toEqual(expected);
  });

  it('reports division by zero and integer overflow as evaluation errors', () => {
    expect(errorOf('1 / 0')).toMatchObject({ code: 'EXPR_EVAL', message: expect.stringMatching(/division by zero/i) });
    expect(errorOf('inputs.count % 0')).toMatchObject({ code: 'EXPR_EVAL', offset: 0, end: 16, message: expect.stringMatching(/modulo by zero/i) });
    expect(errorOf('9223372036854775807 + 1')).toMatchObject({ code: 'EXPR_EVAL', message: expect.stringMatching(/overflow/i) });
  });
});

describe('mixed int/double numbers (JSON numbers are doubles, literals are ints)', () => {
  it.each([
    ['inputs.count > 2', true],
    ['inputs.count >= 3', true],
    ['inputs.count < 3', false],
    ['inputs.count == 3', true],
    ['3 == inputs.count', true],
    ['inputs.count != 4', true],
    ['inputs.confidence > 0.8', true],
    ['inputs.confidence > 1', false],
    ['inputs.count + 1', 4],
    ['1 + inputs.count', 4],
    ['inputs.count * 2', 6],
    ['inputs.count - 1 == 2', true],
    ['inputs.total / 2', 3.5], // a real division: data numbers behave like JavaScript numbers
    ['inputs.total % 2 == 1', true],
    ['inputs.count in [1, 2, 3]', true],
    ['3.0 == 3', true],
    ['2.5 * 2', 5],
    ['size(inputs.items) == inputs.count', true],
    ['size(inputs.items) + inputs.confidence', 3.9],
    ['int(inputs.confidence * 10)', 9],
    ['double(size(inputs.items)) / 2.0', 1.5],
    ['inputs.nums.map(n, n * 2)', [2, 4, 6, 8]],
    ['inputs.nums.filter(n, n % 2 == 0)', [2, 4]],
    ['inputs.nums == [1, 2, 3, 4]', true],
    ['inputs.nested == {"a": 1, "b": {"c": true}}', true],
  ])('%s → %j', (source, expected) => {
    expect(evalValue(source)).toEqual(expected);
  });

  it('lets whole-number doubles index lists and feed int parameters', () => {
    expect(evalValue('inputs.items[inputs.i]')).toBe('b');
    expect(evalValue('inputs.name.substring(inputs.i)')).toBe('ello World');
    expect(evalValue('inputs.name.substring(0, inputs.count + 2)')).toBe('Hello');
    expect(evalValue('inputs.name.indexOf("o", inputs.count)')).toBe(4);
    expect(evalValue('"a,b,c".split(",", inputs.i + 1)')).toEqual(['a', 'b,c']);
    expect(errorOf('inputs.name.substring(inputs.confidence)')).toMatchObject({ code: 'EXPR_EVAL', message: expect.stringMatching(/whole number/) });
  });

  it('returns JS numbers, never BigInt', () => {
    const value = evalValue('[1, 2.5, size("abc"), inputs.count]');
    expect(value).toEqual([1, 2.5, 3, 3]);
    for (const v of value as unknown[]) expect(typeof v).toBe('number');
  });

  it('refuses integers that JSON cannot represent exactly', () => {
    expect(errorOf('int("9007199254740993")')).toMatchObject({ code: 'EXPR_RESULT', message: expect.stringMatching(/string\(/) });
    expect(evalValue('string(int("9007199254740993"))')).toBe('9007199254740993');
    expect(errorOf('1.0 / 0.0')).toMatchObject({ code: 'EXPR_RESULT' });
  });
});

describe('comparisons, logic, ternary, in', () => {
  it.each([
    ['inputs.env == "prod" && inputs.count > 1', true],
    ['inputs.env == "dev" || steps.check.outputs.ok', true],
    ['!steps.check.outputs.ok', false],
    ['"b" > "a"', true],
    ['inputs.count > 2 ? "many" : "few"', 'many'],
    ['inputs.nothing == null', true],
    ['"a" in inputs.items', true],
    ['"z" in inputs.items', false],
    ['"env" in inputs', true],
    ['"nope" in inputs', false],
    ['steps.build.status == "failed" ? 1 : 2', 1],
  ])('%s → %j', (source, expected) => {
    expect(evalValue(source)).toEqual(expected);
  });

  it('short-circuits so guarded reads are safe', () => {
    expect(evalValue('has(inputs.missing) && inputs.missing > 1')).toBe(false);
    expect(evalValue('false && steps.nope.outputs.x')).toBe(false);
  });

  it('type-checks literal operands at compile time', () => {
    expect(compileError('"a" + 1')).toMatchObject({ code: 'EXPR_TYPE', offset: 0, message: expect.stringMatching(/'\+'.*string and int/) });
    expect(compileError('true ? 1 : "x"')).toMatchObject({ code: 'EXPR_TYPE' });
    expect(compileError('inputs + 1')).toMatchObject({ code: 'EXPR_TYPE' });
    expect(errorOf('!inputs.count')).toMatchObject({ code: 'EXPR_TYPE', message: expect.stringMatching(/'!'.*double/) });
  });
});

describe('strings', () => {
  it.each([
    ['inputs.name.contains("World")', true],
    ['inputs.name.startsWith("Hell")', true],
    ['inputs.name.endsWith("x")', false],
    ['size(inputs.name)', 11],
    ['inputs.name.size()', 11],
    ['size("héllo")', 5],
    ['inputs.name.lowerAscii()', 'hello world'],
    ['inputs.name.upperAscii()', 'HELLO WORLD'],
    ['"  x ".trim()', 'x'],
    ['inputs.name.indexOf("o")', 4],
    ['inputs.name.lastIndexOf("o")', 7],
    ['inputs.name.split(" ")', ['Hello', 'World']],
    ['inputs.items.join("-")', 'a-b-c'],
    ['"v" + string(inputs.count)', 'v3'],
    ['string(inputs.confidence)', '0.9'],
    ['string(true)', 'true'],
    ['vars.image.matches("^registry/[a-z]+:[0-9.]+$")', true],
    ['inputs.env.matches("^(dev|staging)$")', false],
    ['r"\\d" == "\\\\d"', true],
    ["'single' + \"double\"", 'singledouble'],
  ])('%s → %j', (source, expected) => {
    expect(evalValue(source)).toEqual(expected);
  });

  it('reports invalid patterns at compile time, at the pattern', () => {
    expect(compileError('inputs.env.matches("(")')).toMatchObject({ code: 'EXPR_REGEX', offset: 19 });
    expect(compileError('inputs.env.matches("(a)\\\\1")')).toMatchObject({ code: 'EXPR_REGEX', message: expect.stringMatching(/backreference/) });
    expect(compileError('inputs.env.matches("(?=a)")')).toMatchObject({ code: 'EXPR_REGEX', message: expect.stringMatching(/lookahead/) });
  });

  it('accepts computed patterns and reports bad ones at evaluation', () => {
    expect(evalValue('"abc".matches(inputs.items[0])')).toBe(true);
    expect(errorOf('"abc".matches("(" + inputs.env)')).toMatchObject({ code: 'EXPR_REGEX', offset: 0 });
  });
});

describe('lists, maps and macros', () => {
  it.each([
    ['[1, 2, 3][0]', 1],
    ['[1, "two", null]', [1, 'two', null]],
    ['{"name": inputs.env, "count": inputs.count}', { name: 'prod', count: 3 }],
    ['{"a": 1}["a"]', 1],
    ['[1, 2] + [3]', [1, 2, 3]],
    ['size({"a": 1, "b": 2})', 2],
    ['inputs.items.all(x, size(x) == 1)', true],
    ['inputs.items.exists(x, x == "b")', true],
    ['inputs.items.exists_one(x, x > "a")', false],
    ['inputs.items.map(x, x + "!")', ['a!', 'b!', 'c!']],
    ['inputs.nums.map(n, n > 2, n * 10)', [30, 40]],
    ['inputs.items.filter(x, x != "b")', ['a', 'c']],
    ['cel.bind(n, inputs.count, n * n + 1)', 10],
    ['inputs.nested.b.c', true],
    ['inputs.nested["b"]["c"]', true],
    ['trigger.headers["content-type"]', 'application/json'],
    ['steps.check.outputs.tags[1]', 'y'],
    ['[[1, 2], [3]].map(l, size(l))', [2, 1]],
    ['inputs.nested', { a: 1, b: { c: true } }],
  ])('%s → %j', (source, expected) => {
    expect(evalValue(source)).toEqual(expected);
  });

  it('supports has() for fields that may be missing', () => {
    expect(evalValue('has(steps.check.outputs.ok)')).toBe(true);
    expect(evalValue('has(steps.check.outputs.missing)')).toBe(false);
    expect(evalValue('has(steps.build.outputs.ok) ? steps.build.outputs.ok : false')).toBe(false);
    expect(evalValue('has(inputs.nested.b.c)')).toBe(true);
  });

  it('reads loop variables even though `loop` is a CEL reserved word', () => {
    expect(evalValue('loop.item.name + "#" + string(loop.index)')).toBe('svc-a#2');
    expect(evalValue('loop.iteration == 3 && "loop" != "x"')).toBe(true);
    expect(evalValue('[1, 2].map(loop, loop * 2)')).toEqual([2, 4]); // a macro variable may shadow it
  });

  it('converts timestamps and durations to strings', () => {
    expect(evalValue('timestamp(run.started_at) + duration("90m")')).toBe('2024-05-01T11:30:00.000Z');
    expect(evalValue('timestamp(run.started_at).getHours()')).toBe(10);
    expect(evalValue('duration("1.5s")')).toBe('1.5s');
    expect(evalValue('timestamp("2024-05-01T12:00:00Z") - timestamp(run.started_at) > duration("1h")')).toBe(true);
  });

  it('refuses results JSON cannot hold', () => {
    expect(errorOf('b"abc"')).toMatchObject({ code: 'EXPR_RESULT', message: expect.stringMatching(/base64/) });
    expect(errorOf('type(1)')).toMatchObject({ code: 'EXPR_RESULT' });
    expect(evalValue('b"abc".base64()')).toBe('YWJj');
  });
});

describe('missing fields are errors naming the path', () => {
  it('names the missing field, the path and the fields that exist', () => {
    const source = 'inputs.count > 1 && steps.check.outputs.missing == 1';
    const error = errorOf(source);
    expect(error).toMatchObject({ code: 'EXPR_MISSING_FIELD', path: 'steps.check.outputs.missing' });
    expect(error.message).toContain("steps.check.outputs has no field 'missing'");
    expect(error.message).toContain('it has: ok, score, tags');
    expect(error.message).toContain('has(steps.check.outputs.missing)');
    expect(source.slice(error.offset, error.end)).toBe('missing');
  });

  it('explains null parents, out-of-range indexes, non-maps and missing step ids', () => {
    expect(errorOf('inputs.nothing.x')).toMatchObject({ code: 'EXPR_MISSING_FIELD', message: expect.stringMatching(/inputs\.nothing is null/) });
    const index = errorOf('inputs.items[5]');
    expect(index).toMatchObject({ code: 'EXPR_MISSING_FIELD', path: 'inputs.items[5]', message: expect.stringMatching(/out of range \(the list has 3 items\)/) });
    expect(index.offset).toBe('inputs.items['.length);
    expect(errorOf('inputs.count.x')).toMatchObject({ code: 'EXPR_MISSING_FIELD', message: expect.stringMatching(/not a map/) });
    expect(errorOf('steps.deploy.outputs.url')).toMatchObject({ code: 'EXPR_MISSING_FIELD', path: 'steps.deploy', message: expect.stringMatching(/it has: check, build/) });
    expect(errorOf('trigger.headers["x-id"]')).toMatchObject({ code: 'EXPR_MISSING_FIELD', path: 'trigger.headers["x-id"]' });
  });

  it('reports an allowed root the caller did not provide as unavailable, only when read', () => {
    expect(errorOf('secrets.token == "x"')).toMatchObject({ code: 'EXPR_UNAVAILABLE', offset: 0, message: expect.stringMatching(/server/) });
    expect(evalValue('false && secrets.token == "x"')).toBe(false);
  });
});

describe('identifiers and roots', () => {
  it('rejects unknown identifiers with a hint listing the roots', () => {
    const error = compileError('inputs.count > 1 && input.x');
    expect(error).toMatchObject({ code: 'EXPR_UNKNOWN_IDENTIFIER', offset: 20, end: 25 });
    expect(error.message).toContain("Did you mean 'inputs'?");
    for (const root of EXPRESSION_ROOTS) expect(error.message).toContain(root);
  });

  it('restricts roots per caller (e.g. `event` only in event triggers)', () => {
    const roots = ['inputs', 'vars', 'steps'];
    const error = compileError('event.type == "push"', { roots });
    expect(error.code).toBe('EXPR_UNKNOWN_IDENTIFIER');
    expect(error.message).toContain('Expressions can read: inputs, vars, steps.');
    expect(compileOk('event.type == "push"', { roots: ['event'] }).roots).toEqual(new Set(['event']));
    expect(evalValue('event.type', { event: { type: 'push' } }, { roots: ['event'] })).toBe('push');
  });

  it('does not let macro variables leak or count as roots', () => {
    expect(compileError('inputs.items.map(x, x) == x')).toMatchObject({ code: 'EXPR_UNKNOWN_IDENTIFIER', offset: 26 });
    expect(compileError('cel.bind(y, 1, y) + y')).toMatchObject({ code: 'EXPR_UNKNOWN_IDENTIFIER', offset: 20 });
    expect(compileError('cel.bind(y, y, 1)')).toMatchObject({ code: 'EXPR_UNKNOWN_IDENTIFIER', offset: 12 });
  });

  it('rejects unknown functions and methods', () => {
    expect(compileError('lookup("x")')).toMatchObject({ code: 'EXPR_UNKNOWN_FUNCTION', offset: 0, message: "Unknown function 'lookup'." });
    expect(compileError('inputs.env.shout()')).toMatchObject({ code: 'EXPR_UNKNOWN_FUNCTION', message: "Unknown function 'shout'." });
    expect(compileError('size(1, 2)')).toMatchObject({ code: 'EXPR_TYPE' });
  });

  it('rejects invalid root names passed by callers (a programming error)', () => {
    expect(() => compileExpression('x', { roots: ['not valid'] })).toThrow(TypeError);
    expect(() => compileExpression('x', { roots: ['if'] })).toThrow(TypeError);
  });
});

describe('syntax errors point at the bad token', () => {
  it.each([
    ['inputs.count >', 14],
    ['inputs.count > > 1', 15],
    ['(inputs.count > 1', 17],
    ['inputs.count # 1', 13],
    ['"unterminated', 0],
    ['[1, 2', 5],
    ['inputs.env == "x" &&\n  inputs. == 1', 31],
    ['inputs..env', 7],
    ['{"a": }', 6],
  ])('%j → offset %i', (source, offset) => {
    const error = compileError(source);
    expect(error.code).toBe('EXPR_SYNTAX');
    expect(error.offset).toBe(offset);
    expect(error.message).toMatch(/^Syntax error: /);
  });

  it('rejects empty sources and reserved words', () => {
    expect(compileError('   ')).toMatchObject({ code: 'EXPR_SYNTAX', message: 'The expression is empty.' });
    expect(compileError('if')).toMatchObject({ code: 'EXPR_SYNTAX', offset: 0, message: expect.stringMatching(/reserved/) });
  });

  it('words cel-js token names for people', () => {
    expect(compileError('(1 + 2').message).toBe("Syntax error: expected ')' but the expression ended.");
  });
});

describe('conditions', () => {
  it('requires a boolean', () => {
    const ok = evaluateCondition(compileOk('inputs.confidence > 0.8 && steps.check.outputs.ok'), ctx);
    expect(ok).toEqual({ ok: true, value: true });
    const notBool = evaluateCondition(compileOk('inputs.count'), ctx);
    expect(notBool).toMatchObject({ ok: false, error: { code: 'EXPR_TYPE', message: expect.stringMatching(/true or false.*number 3/) } });
  });
});

describe('compiled expressions', () => {
  it('are frozen plain data and can be evaluated many times with different contexts', () => {
    const expr = compileOk('inputs.count * 2');
    expect(Object.isFrozen(expr)).toBe(true);
    expect(expr.source).toBe('inputs.count * 2');
    for (let n = 0; n < 50; n++) expect(evaluateExpression(expr, { inputs: { count: n } })).toEqual({ ok: true, value: n * 2 });
  });

  it('report a misuse instead of throwing', () => {
    const fake = { source: '1', allowedRoots: [], roots: new Set<string>(), steps: new Set<string>(), dynamicSteps: false, paths: [] };
    expect(evaluateExpression(fake, {})).toMatchObject({ ok: false, error: { code: 'EXPR_INTERNAL' } });
  });

  it('ignore context keys that are not allowed roots', () => {
    const expr = compileOk('inputs.x', { roots: ['inputs'] });
    expect(evaluateExpression(expr, { inputs: { x: 1 }, other: () => 1 })).toEqual({ ok: true, value: 1 });
  });
});

describe('reserved-word roots', () => {
  it('reports `loop` outside loops as an unknown identifier, not a reserved word', () => {
    const error = compileError('loop.index > 0', { roots: ['inputs', 'steps'] });
    expect(error).toMatchObject({ code: 'EXPR_UNKNOWN_IDENTIFIER', offset: 0, end: 4 });
    expect(error.message).toContain("Unknown identifier 'loop'");
  });

  it('leaves `loop` alone in field names, strings and comments', () => {
    expect(evalValue('inputs.loop', { inputs: { loop: 'field' } })).toBe('field');
    expect(evalValue('"loop" + \'loop\' + r"loop" // loop', ctx)).toBe('looplooploop');
    expect(evalValue('{"loop": loop.index}', ctx)).toEqual({ loop: 2 });
  });
});
