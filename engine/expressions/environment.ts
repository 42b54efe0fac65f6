// The cel-js Environment(s) expressions run in, and the one deliberate deviation from stock CEL:
// numbers.
//
// Number model. cel-js maps CEL `int` to BigInt and CEL `double` to JS number, so every number
// that comes from JSON data (inputs, step outputs, webhook bodies) is a CEL *double*, while
// literals like `2` are CEL *ints*. Stock CEL refuses `double + int`, which would make
// `inputs.count + 1` an error. We keep JSON numbers as doubles (one consistent rule: "data
// numbers behave like JavaScript numbers"; no guessing whether `1` in a payload was meant as an
// int, and `inputs.total / inputs.count` is a real division) and register the missing mixed
// overloads:
//   - comparisons and ==/!= between int and double already work in cel-js (by numeric value);
//   - int ⊕ double and double ⊕ int for + - * / give a double, computed like JavaScript;
//   - % is defined for doubles too (JavaScript remainder; modulo by zero is an error, like ints);
//   - substring/indexOf/lastIndexOf/split accept a whole-number double where CEL wants an int.
// And one replacement: `s.matches(p)` calls are re-pointed (by compileExpression) at
// MATCHES_FUNCTION, our linear-time matcher (./regex.ts), instead of cel-js's backtracking RegExp.
// Pure int arithmetic keeps CEL semantics (`7 / 2 == 3`, overflow is an error), which only
// happens when both sides are ints: literals, size(), int(...).

import { Environment, EvaluationError, type ASTNode } from '@marcbachmann/cel-js';
import { activeLimits } from './budget.ts';
import { DEFAULT_LIMITS, PARSER_LIMITS } from './limits.ts';
import { cachedRegex, RegexError } from './regex.ts';
import { celName, MATCHES_FUNCTION } from './reserved.ts';

/** Roots whose values are JSON objects; they are declared as `map` so `inputs + 1` fails at compile time. */
export const MAP_ROOTS: ReadonlySet<string> = new Set(['inputs', 'vars', 'steps', 'run', 'trigger', 'secrets', 'loop', 'event']);

/** Library namespaces that may appear only as a method receiver: `cel.bind(...)`. */
export const NAMESPACES: ReadonlySet<string> = new Set(['cel']);

/** Macros are expanded by the parser, so they are not in getDefinitions(). */
const MACRO_NAMES = ['has', 'all', 'exists', 'exists_one', 'map', 'filter', 'bind'];

const environments = new Map<string, { env: Environment; functionNames: ReadonlySet<string> }>();

/** One Environment per set of roots (building one costs ~1 ms; the set of root sets is tiny). */
export function environmentFor(roots: readonly string[]): { env: Environment; functionNames: ReadonlySet<string> } {
  const key = [...roots].sort().join(',');
  let entry = environments.get(key);
  if (!entry) {
    const env = new Environment({
      // `{"name": x, "count": 1}` is ordinary in workflow files; CEL's homogeneity rule is not.
      homogeneousAggregateLiterals: false,
      enableOptionalTypes: false,
      limits: PARSER_LIMITS,
    });
    for (const root of roots) env.registerVariable(celName(root), MAP_ROOTS.has(root) ? 'map' : 'dyn');
    registerNumberOverloads(env);
    env.registerFunction(`string.${MATCHES_FUNCTION}(string): bool`, matches);
    const functionNames = new Set([...env.getDefinitions().functions.map((f) => f.name), ...MACRO_NAMES]);
    entry = { env, functionNames };
    environments.set(key, entry);
  }
  return entry;
}

function matches(subject: string, pattern: string): boolean {
  const limits = activeLimits() ?? DEFAULT_LIMITS;
  if (pattern.length > limits.maxRegexPatternLength) {
    throw evalError('invalid_regular_expression', `matches(): the pattern is ${pattern.length} characters long (limit ${limits.maxRegexPatternLength})`);
  }
  let re;
  try {
    re = cachedRegex(pattern);
  } catch (e) {
    if (e instanceof RegexError) throw evalError('invalid_regular_expression', `matches(): invalid pattern: ${e.message}`);
    throw e;
  }
  if (subject.length * re.size > limits.maxRegexWork) {
    throw evalError(
      'regex_work_exceeded',
      `matches() on a ${subject.length}-character string with this pattern exceeds the matching budget (subject length × pattern size ≤ ${limits.maxRegexWork})`,
    );
  }
  return re.test(subject);
}

// Function handlers throw without a node (cel-js attaches the calling node, so offsets point into
// the user's expression); operator handlers are not wrapped that way and pass their node.
function evalError(code: string, message: string, node?: ASTNode): EvaluationError {
  return new EvaluationError(node ? { code, message, node } : { code, message });
}

function registerNumberOverloads(env: Environment): void {
  const num = (v: bigint | number): number => Number(v);
  const arithmetic: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => a / b,
  };
  for (const [op, fn] of Object.entries(arithmetic)) {
    env.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => fn(a, num(b)));
    env.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => fn(num(a), b));
  }
  // cel-js calls operator handlers with (left, right, node, evaluator); its typings show two.
  const remainder = (a: number | bigint, b: number | bigint, ...rest: unknown[]): number => {
    if (num(b) === 0) throw evalError('modulo_by_zero', 'modulo by zero', rest[0] as ASTNode | undefined);
    return num(a) % num(b);
  };
  env.registerOperator('double % double: double', remainder);
  env.registerOperator('double % int: double', remainder);
  env.registerOperator('int % double: double', remainder);
  // Literal-vs-literal (`3.0 == 3`); cel-js registers the mirrored overload itself.
  env.registerOperator('double == int', (a: number, b: bigint) => a === num(b));

  // Double-accepting variants of the int-taking string functions delegate to the library's own
  // implementation (through a tiny helper environment), so semantics stay identical.
  const d = delegates();
  const whole = (fn: string, v: number | bigint): bigint => {
    if (typeof v === 'bigint') return v;
    if (Number.isSafeInteger(v)) return BigInt(v);
    throw evalError('invalid_argument', `${fn}: expected a whole number, got ${v}`);
  };
  const S = 'string.substring';
  env.registerFunction('string.substring(double): string', (s: string, a: number) => d.run('substring1', { s, a: whole(S, a) }));
  for (const sig of ['double, double', 'int, double', 'double, int']) {
    env.registerFunction(`string.substring(${sig}): string`, (s: string, a: number | bigint, b: number | bigint) =>
      d.run('substring2', { s, a: whole(S, a), b: whole(S, b) }),
    );
  }
  env.registerFunction('string.indexOf(string, double): int', (s: string, t: string, a: number) =>
    d.run('indexOf', { s, t, a: whole('string.indexOf', a) }),
  );
  env.registerFunction('string.lastIndexOf(string, double): int', (s: string, t: string, a: number) =>
    d.run('lastIndexOf', { s, t, a: whole('string.lastIndexOf', a) }),
  );
  env.registerFunction('string.split(string, double): list<string>', (s: string, t: string, a: number) =>
    d.run('split', { s, t, a: whole('string.split', a) }),
  );
}

type DelegateName = 'substring1' | 'substring2' | 'indexOf' | 'lastIndexOf' | 'split';
let delegateCache: { run: (name: DelegateName, vars: Record<string, unknown>) => unknown } | undefined;

function delegates(): NonNullable<typeof delegateCache> {
  if (delegateCache) return delegateCache;
  const helper = new Environment()
    .registerVariable('s', 'string')
    .registerVariable('t', 'string')
    .registerVariable('a', 'int')
    .registerVariable('b', 'int');
  const programs = {
    substring1: helper.parse('s.substring(a)'),
    substring2: helper.parse('s.substring(a, b)'),
    indexOf: helper.parse('s.indexOf(t, a)'),
    lastIndexOf: helper.parse('s.lastIndexOf(t, a)'),
    split: helper.parse('s.split(t, a)'),
  };
  delegateCache = {
    run(name, vars) {
      try {
        return programs[name](vars);
      } catch (e) {
        // Re-raise without the helper's AST so the error points at the user's call.
        if (e instanceof EvaluationError) throw evalError(e.code, e.summary);
        throw e;
      }
    },
  };
  return delegateCache;
}
