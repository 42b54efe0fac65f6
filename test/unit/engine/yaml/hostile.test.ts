// Untrusted text: every case must end in a located error, fast, without throwing and without
// building anything large.
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../../engine/diagnostics.ts';
import { parseWorkflowYaml, type ParseResult } from '../../../../engine/yaml/index.ts';

const HEAD = 'apiVersion: switchyard/v1\nid: x\nname: n\n';
const VALID = `${HEAD}steps: []\n`;

function parseQuickly(text: string, budgetMs = 1000): ParseResult {
  const started = performance.now();
  let result: ParseResult | undefined;
  expect(() => { result = parseWorkflowYaml(text); }).not.toThrow();
  expect(performance.now() - started).toBeLessThan(budgetMs);
  return result as ParseResult;
}

/** The parse failed with `code`, first at line:column when given. */
function expectError(result: ParseResult, code: string, line?: number, column?: number): Diagnostic {
  expect(result.workflow).toBeUndefined();
  const found = result.diagnostics.find((d) => d.code === code);
  expect(found, `${code} in ${JSON.stringify(result.diagnostics)}`).toBeDefined();
  const d = found as Diagnostic;
  expect(d.severity).toBe('error');
  if (line !== undefined) expect(d.line).toBe(line);
  if (column !== undefined) expect(d.column).toBe(column);
  return d;
}

describe('malformed YAML', () => {
  it('an unclosed quote', () => {
    const d = expectError(parseQuickly(`${VALID}description: "never closed\n`), 'YAML_SYNTAX');
    expect(d.line).toBeGreaterThanOrEqual(5);
    expect(d.hint).toMatch(/not closed/);
  });

  it('bad indentation', () => {
    expectError(parseQuickly(`${HEAD}steps:\n  - id: a\n    type: x\n   name: y\n`), 'YAML_SYNTAX', 7, 1);
    expectError(parseQuickly('apiVersion: switchyard/v1\nid: x\n  name: n\nsteps: []\n'), 'YAML_SYNTAX', 2);
  });

  it('tab indentation', () => {
    const d = expectError(parseQuickly(`${HEAD}steps:\n\t- id: a\n\t  type: x\n`), 'YAML_SYNTAX', 5, 1);
    expect(d.message).toMatch(/tab/i);
    expect(d.hint).toMatch(/spaces/);
  });

  it('reports one syntax error per line and stops after ten', () => {
    const garbage = `${HEAD}steps:\n  - id: a\n    with:\n      prompt: Reply {"ok": bool}. Then: stop\n${'  - id: b\n    type: x\n'.repeat(20)}`;
    const result = parseQuickly(garbage);
    const lines = result.diagnostics.map((d) => d.line);
    expect(result.diagnostics.every((d) => d.code === 'YAML_SYNTAX')).toBe(true);
    expect(lines[0]).toBe(7);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.length).toBeLessThanOrEqual(10);
  });

  it('several problems are all reported, in file order', () => {
    const result = parseQuickly(`${HEAD}id: again\nsteps: []\nvars:\n  __proto__: 1\n`);
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['YAML_DUPLICATE_KEY', 4], ['YAML_FORBIDDEN_KEY', 7]]);
  });
});

describe('resource exhaustion', () => {
  it('rejects an alias bomb ("billion laughs")', () => {
    const levels = ['  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`  ${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const d = expectError(parseQuickly(`${VALID}vars:\n${levels.join('\n')}\nsteps2: *i\n`), 'YAML_ALIAS_LIMIT', 7);
    expect(d.column).toBeGreaterThan(1);
  });

  it('accepts a few aliases of small anchors', () => {
    const result = parseQuickly(`${VALID}vars:\n  base: &base { region: eu, size: 2 }\n  copy: *base\n`);
    expect(result.diagnostics).toEqual([]);
    expect(result.workflow?.vars).toEqual({ base: { region: 'eu', size: 2 }, copy: { region: 'eu', size: 2 } });
  });

  it('reports an alias to no anchor', () => {
    expectError(parseQuickly(`${VALID}vars:\n  copy: *nowhere\n`), 'YAML_SYNTAX', 6, 9);
  });

  it('rejects 5,000-deep flow nesting: [[[[…', () => {
    expectError(parseQuickly(`${VALID}vars:\n  deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`), 'YAML_TOO_DEEP', 6);
    expectError(parseQuickly('['.repeat(5000)), 'YAML_TOO_DEEP', 1, 65);
  });

  it('rejects 5,000-deep flow mappings: a: {a: {…', () => {
    expectError(parseQuickly(`a: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`), 'YAML_TOO_DEEP', 1);
  });

  it('rejects 5,000-deep block nesting', () => {
    // Block mappings indent one column per level, so 5,000 levels is 12.5 MB: the size cap
    // answers first. With the cap lifted, the depth check still stops it early.
    let mappings = '';
    for (let i = 0; i < 5000; i++) mappings += `${' '.repeat(i)}a:\n`;
    expectError(parseQuickly(mappings), 'YAML_TOO_LARGE');
    const started = performance.now();
    const d = parseWorkflowYaml(mappings, { maxBytes: 20_000_000 }).diagnostics[0];
    expect(performance.now() - started).toBeLessThan(1000);
    expect(d).toMatchObject({ code: 'YAML_TOO_DEEP', line: 65 });
    // Compact block sequences nest on one line: "- - - - x".
    expectError(parseQuickly(`${'- '.repeat(5000)}x\n`), 'YAML_TOO_DEEP', 1);
  });

  it('honours a custom depth limit', () => {
    expectError(parseWorkflowYaml(`${VALID}vars:\n  a: [[[1]]]\n`, { maxDepth: 3 }), 'YAML_TOO_DEEP', 6);
    expect(parseWorkflowYaml(`${VALID}vars:\n  a: [[[1]]]\n`, { maxDepth: 5 }).diagnostics).toEqual([]);
  });

  it('rejects a 50 MB file before reading it', () => {
    const huge = `${VALID}description: ${'x'.repeat(50 * 1024 * 1024)}\n`;
    const d = expectError(parseQuickly(huge, 100), 'YAML_TOO_LARGE');
    expect(d.message).toMatch(/1 MB/);
  });

  it('counts the size in UTF-8 bytes, not characters', () => {
    const text = `${VALID}vars:\n  blob: ${'é'.repeat(400_000)}\n`; // 0.8 MB of bytes, 0.4 M characters
    expect(parseWorkflowYaml(text, { maxBytes: 600_000 }).diagnostics[0]?.code).toBe('YAML_TOO_LARGE');
    expect(parseWorkflowYaml(text).workflow?.vars?.blob).toHaveLength(400_000);
  });

  it('reads a 500 KB mapping with 40,000 keys quickly (the duplicate check is linear)', () => {
    let vars = '';
    for (let i = 0; vars.length < 500_000; i++) vars += `  k${i}: ${i}\n`;
    const result = parseQuickly(`${VALID}vars:\n${vars}`, 3000);
    expect(result.diagnostics).toEqual([]);
  });
});

describe('inputs that would be quadratic in a naive reader', () => {
  it('a long run of blank lines and comments above the first key', () => {
    const result = parseQuickly(`${'\n'.repeat(200_000)}${'#\n'.repeat(5_000)}\n${VALID}`);
    expect(result.diagnostics).toEqual([]);
    expect(result.workflow?.notes?.apiVersion).toBe('\n'.repeat(4_999));
  });

  it('one anchor name reused many times, and many aliases', () => {
    const text = `${VALID}vars:\n  a:\n${'    - &a 1\n'.repeat(20_000)}  b: [*a, *a]\n`;
    expect(parseQuickly(text).workflow?.vars?.b).toEqual([1, 1]);
    expectError(parseQuickly(`${VALID}vars:\n  a: &a 1\n  b:\n${'    - *a\n'.repeat(50_000)}`), 'YAML_ALIAS_LIMIT', 8, 7);
  });
});

describe('prototype pollution', () => {
  it('rejects __proto__ at the top level', () => {
    const d = expectError(parseQuickly(`${VALID}__proto__: { polluted: yes }\n`), 'YAML_FORBIDDEN_KEY', 5, 1);
    expect(d.path).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects __proto__, constructor and prototype inside with', () => {
    const text = `${HEAD}steps:\n  - id: call\n    type: http\n    with:\n      __proto__: { polluted: yes }\n      body:\n        constructor: { prototype: { polluted: yes } }\n`;
    const result = parseQuickly(text);
    const forbidden = result.diagnostics.filter((d) => d.code === 'YAML_FORBIDDEN_KEY');
    expect(forbidden.map((d) => [d.path.at(-1), d.line, d.column, d.stepId])).toEqual([
      ['__proto__', 8, 7, 'call'],
      ['constructor', 10, 9, 'call'],
      ['prototype', 10, 24, 'call'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('rejects a quoted "__proto__" key too', () => {
    expectError(parseQuickly(`${VALID}vars:\n  "__proto__": 1\n`), 'YAML_FORBIDDEN_KEY', 6, 3);
  });
});

describe('tags', () => {
  it.each([
    ['!!js/function "function () { return 1 }"', '!!js/function'],
    ['!!js/undefined ""', '!!js/undefined'],
    ['!!binary aGVsbG8=', '!!binary'],
    ['!custom thing', '!custom'],
    ['!!str 123', '!!str'],
    ['!!set { a, b }', '!!set'],
    ['!<tag:example.com,2000:app/foo> x', 'tag:example.com,2000:app/foo'],
  ])('rejects %s', (value, tag) => {
    const d = expectError(parseQuickly(`${VALID}vars:\n  v: ${value}\n`), 'YAML_TAG', 6, 6);
    expect(d.message).toContain(tag);
  });

  it('rejects a tag on a key and on a step', () => {
    expectError(parseQuickly(`${VALID}vars:\n  !k v: 1\n`), 'YAML_TAG', 6, 3);
    expectError(parseQuickly(`${VALID}vars:\n  v: !t &anchor 1\n`), 'YAML_TAG', 6, 6);
    const d = expectError(parseQuickly(`${HEAD}steps:\n  - !step\n    id: a\n    type: x\n`), 'YAML_TAG', 5, 5);
    expect(d.stepId).toBe('a');
  });
});

describe('duplicate keys', () => {
  it('points at the second key at the top level', () => {
    const d = expectError(parseQuickly(`${VALID}id: y\n`), 'YAML_DUPLICATE_KEY', 5, 1);
    expect(d.message).toMatch(/"id" appears twice.*line 2/);
  });

  it('points at the second key in a step, with the step id', () => {
    const d = expectError(parseQuickly(`${HEAD}steps:\n  - id: a\n    type: x\n    type: y\n`), 'YAML_DUPLICATE_KEY', 7, 5);
    expect(d).toMatchObject({ path: ['steps', 0, 'type'], stepId: 'a' });
  });

  it('rejects merge keys, which YAML 1.2 does not have', () => {
    expectError(parseQuickly(`${VALID}vars:\n  base: &b { a: 1 }\n  copy: { <<: *b }\n`), 'YAML_MERGE_KEY', 7, 11);
  });
});

describe('wrong types and shapes', () => {
  it('steps as a mapping', () => {
    const d = expectError(parseQuickly(`${HEAD}steps:\n  build:\n    type: script\n`), 'SCHEMA_INVALID_TYPE', 5, 3);
    expect(d.message).toBe('steps must be a list, not a mapping');
    expect(d.hint).toMatch(/- id: build/);
  });

  it('needs as a string', () => {
    const d = expectError(parseQuickly(`${HEAD}steps:\n  - id: a\n    type: x\n    needs: build\n`), 'SCHEMA_INVALID_TYPE', 7, 12);
    expect(d).toMatchObject({ stepId: 'a', path: ['steps', 0, 'needs'], hint: 'write a list: needs: [build]' });
  });

  it('timeout as a number', () => {
    const d = expectError(parseQuickly(`${HEAD}steps:\n  - id: a\n    type: x\n    timeout: 30\n`), 'SCHEMA_INVALID_TYPE', 7, 14);
    expect(d.message).toMatch(/^steps\[0\]\.timeout must be a duration such as "30s".*not the number 30$/);
    expect(d.hint).toMatch(/30s/);
  });

  it('a step without an id', () => {
    const d = expectError(parseQuickly(`${HEAD}steps:\n  - type: script\n    name: Build\n`), 'SCHEMA_INVALID_TYPE', 5, 5);
    expect(d.message).toBe('steps[0] is missing `id`');
    expect(d.hint).toMatch(/every step needs an id/);
  });

  it('a list or a scalar instead of a mapping', () => {
    expectError(parseQuickly('- a\n- b\n'), 'SCHEMA_INVALID_TYPE', 1, 1);
    expectError(parseQuickly('just text\n'), 'SCHEMA_INVALID_TYPE', 1, 1);
  });
});

describe('documents', () => {
  it('rejects several documents', () => {
    const d = expectError(parseQuickly(`${VALID}---\n${VALID}`), 'YAML_MULTIPLE_DOCUMENTS', 5, 1);
    expect(d.hint).toMatch(/---/);
  });

  it('accepts one document with explicit markers', () => {
    expect(parseQuickly(`---\n${VALID}...\n`).workflow).toBeDefined();
  });

  it.each([['empty', ''], ['blank', '\n  \n'], ['comments only', '# nothing here\n']])('rejects an %s file', (_name, text) => {
    const d = expectError(parseQuickly(text), 'YAML_EMPTY', 1, 1);
    expect(d.message).toBe('the file is empty: a workflow needs at least apiVersion, id, name and steps');
  });

  it('accepts a byte order mark, and counts columns without it', () => {
    const result = parseQuickly(`\uFEFF${VALID}`);
    expect(result.diagnostics).toEqual([]);
    expect(result.locate(['apiVersion'], 'key')).toEqual({ line: 1, column: 1 });
    expect(result.locate(['id'])).toEqual({ line: 2, column: 5 });
  });

  it('accepts Windows line endings, with lines counted right and no \\r in values or notes', () => {
    const text = `# header\r\n${VALID}description: |\r\n  two\r\n  lines\r\n# about vars\r\nvars:\r\n  a: x\r\n`.replace(/(?<!\r)\n/g, '\r\n');
    const result = parseQuickly(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.workflow).toMatchObject({ description: 'two\nlines\n', vars: { a: 'x' }, notes: { apiVersion: 'header', vars: 'about vars' } });
    expect(result.locate(['vars', 'a'])).toEqual({ line: 11, column: 6 });
  });

  it('warns that a %YAML 1.1 directive is ignored', () => {
    const result = parseQuickly(`%YAML 1.1\n---\n${VALID}vars:\n  flag: yes\n`);
    expect(result.workflow?.vars).toEqual({ flag: 'yes' });
    expect(result.diagnostics).toMatchObject([{ severity: 'warning', code: 'YAML_WARNING' }]);
  });
});
