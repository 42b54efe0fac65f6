// The script node's pure parts: ::set-output lines, the cwd rule, tails of output.
import { describe, expect, it } from 'vitest';
import { lastLine, parseObject, parseOutputMarkers, tail, workspacePath } from '../../../nodes/script/outputs.ts';

describe('::set-output lines', () => {
  it('merges JSON objects from marker lines, later keys winning, and ignores other lines', () => {
    const stdout = 'building\n::set-output {"a": 1, "b": "x"}\r\nnoise ::set-output {"no": 1}\n::set-output {"b": "y", "c": [1, 2]}';
    expect(parseOutputMarkers(stdout)).toEqual({ outputs: { a: 1, b: 'y', c: [1, 2] }, errors: [] });
  });

  it('reports each malformed marker line', () => {
    const { outputs, errors } = parseOutputMarkers('::set-output {"ok": true}\n::set-output nope\n::set-output [1]\n');
    expect(outputs).toEqual({ ok: true });
    expect(errors).toEqual(['not valid JSON: ::set-output nope', 'not a JSON object: ::set-output [1]']);
  });

  it('parseObject accepts only objects', () => {
    expect(parseObject('{"x": null}')).toEqual({ x: null });
    expect(parseObject('null')).toBe('not a JSON object');
    expect(parseObject('{')).toBe('not valid JSON');
  });
});

describe('script cwd', () => {
  it('resolves relative paths inside the workspace and refuses the rest', () => {
    expect(workspacePath('/w', undefined)).toBe('/w');
    expect(workspacePath('/w', 'a/b')).toBe('/w/a/b');
    expect(workspacePath('/w', 'a/../b')).toBe('/w/b');
    expect(workspacePath('/w', '.')).toBe('/w');
    expect(workspacePath('/w', '..')).toBeUndefined();
    expect(workspacePath('/w', 'a/../../x')).toBeUndefined();
    expect(workspacePath('/w', '/etc')).toBeUndefined();
    expect(workspacePath('/w', '..foo')).toBe('/w/..foo');
  });
});

describe('output tails', () => {
  it('keeps the end, cut at a line start when one is near', () => {
    expect(tail('short', 10)).toBe('short');
    expect(tail('line one\nline two\n', 12)).toBe('line two\n');
    expect(tail('x'.repeat(500), 10)).toBe('x'.repeat(10));
    expect(lastLine('first\nlast  \n\n')).toBe('last');
    expect(lastLine('')).toBeUndefined();
  });
});
