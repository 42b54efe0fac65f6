import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRegex, RegexError } from '../../../../engine/expressions/regex.ts';

const test = (pattern: string, subject: string): boolean => compileRegex(pattern).test(subject);

describe('linear-time matcher', () => {
  it.each([
    ['abc', 'xxabcxx', true],
    ['^abc$', 'abc', true],
    ['^abc$', 'abcd', false],
    ['a.c', 'a\nc', false],
    ['a.c', 'a-c', true],
    ['^[a-z]+-[0-9]{2,3}$', 'svc-123', true],
    ['^[a-z]+-[0-9]{2,3}$', 'svc-1234', false],
    ['^[^/]+$', 'a/b', false],
    ['^(foo|bar)+$', 'foobarfoo', true],
    ['^(?:ab)*c$', 'ababc', true],
    ['^(?<v>v)?\\d+\\.\\d+$', 'v1.2', true],
    ['\\bword\\b', 'a word here', true],
    ['\\bword\\b', 'swordfish', false],
    ['\\Bor\\B', 'sword', true],
    ['^\\s*$', ' \t\n', true],
    ['^\\S+$', 'a b', false],
    ['^\\W$', '-', true],
    ['^[\\d-z]+$', '1-z', true],
    ['^[\\]a]+$', ']a]', true],
    ['^\\x41\\u0042$', 'AB', true],
    ['a{2}', 'a', false],
    ['x{,2}', 'x{,2}', true], // not a quantifier in JavaScript: literal braces
    ['^a*?b$', 'aab', true],
    ['', 'anything', true],
    ['^$', '', true],
    ['(a|)+b', 'b', true],
    ['(a*)*b', 'aaaa', false],
  ])('/%s/ on %j → %s', (pattern, subject, expected) => {
    expect(test(pattern, subject)).toBe(expected);
    expect(new RegExp(pattern).test(subject)).toBe(expected); // same answer as JavaScript
  });

  it.each([
    ['(a)\\1', /backreference/],
    ['\\k<x>', /backreference/],
    ['(?=a)', /lookahead/],
    ['(?<!a)b', /lookbehind/],
    ['(?i)abc', /inline flags/],
    ['\\p{L}', /unsupported escape/],
    ['[b-a]', /out of order/],
    ['(abc', /missing '\)'/],
    ['abc)', /unmatched/],
    ['*a', /nothing to repeat/],
    ['a**', /nothing to repeat/],
    ['^*', /nothing to repeat/],
    ['a{1001}', /above 1000/],
    ['(a{1000}){1000}', /too complex/],
  ])('refuses /%s/', (pattern, message) => {
    expect(() => compileRegex(pattern)).toThrow(RegexError);
    expect(() => compileRegex(pattern)).toThrow(message);
  });

  it('stays fast on patterns that make backtracking engines explode', () => {
    const started = performance.now();
    expect(test('^(a+)+$', `${'a'.repeat(30_000)}!`)).toBe(false);
    expect(test('^(a|a)*$', `${'a'.repeat(30_000)}!`)).toBe(false);
    expect(test('^.*a.*b.*c.*d$', 'abc'.repeat(10_000))).toBe(false);
    expect(test('(x+x+)+y', 'x'.repeat(30_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('agrees with JavaScript RegExp on generated patterns (property)', () => {
    const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\d', '\\w', '\\s', '1', ' ', '\\b', '^', '$');
    const pattern: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        atom,
        fc.tuple(tie('node'), tie('node')).map(([x, y]) => x + y),
        fc.tuple(tie('node'), tie('node')).map(([x, y]) => `(${x}|${y})`),
        fc.tuple(tie('node'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,}', '*?')).map(([x, q]) => `(?:${x})${q}`),
      ),
    })).node;
    const subject = fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', '\n', '-'), maxLength: 12 });
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        let expected: boolean;
        try {
          expected = new RegExp(p).test(s);
        } catch {
          return; // e.g. a quantified assertion; our parser refuses those too
        }
        let re;
        try {
          re = compileRegex(p);
        } catch (e) {
          if (e instanceof RegexError) return;
          throw e;
        }
        expect(re.test(s)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });
});
