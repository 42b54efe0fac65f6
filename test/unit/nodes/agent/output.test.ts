import { describe, expect, it } from 'vitest';
import { lastTextLine, parseJsonMessage, parseOutput, summaryLine } from '../../../../nodes/agent/output.ts';

describe('agent outputs', () => {
  it('output: json reads the whole message, a ```json block, or the object inside prose', () => {
    expect(parseJsonMessage('{"a": 1}')).toEqual({ value: { a: 1 } });
    expect(parseJsonMessage(' [1, 2]\n')).toEqual({ value: [1, 2] });
    expect(parseJsonMessage('Here you go:\n```json\n{"ok": true}\n```\nAnything else?')).toEqual({ value: { ok: true } });
    expect(parseJsonMessage('```\n{"bare": 1}\n```')).toEqual({ value: { bare: 1 } });
    expect(parseJsonMessage('first ```json\n{"v": 1}\n``` then ```json\n{"v": 2}\n```')).toEqual({ value: { v: 2 } });
    expect(parseJsonMessage('The result is {"n": 3}.')).toEqual({ value: { n: 3 } });
    expect(parseJsonMessage('"just a string"')).toEqual({ value: 'just a string' });
  });

  it('output: json says why when there is no JSON to be found', () => {
    expect(parseJsonMessage('I could not finish.')).toBe('the agent\'s final message is not JSON (nor holds a ```json block): "I could not finish."');
    expect(parseJsonMessage('```json\n{broken\n```')).toMatch(/^the agent's final message is not JSON/);
    expect(parseJsonMessage('  ')).toBe("the agent's final message is empty");
  });

  it('summary: the first non-empty line, at most 120 characters', () => {
    expect(summaryLine('\n\n  Fixed the flaky test.  \nDetails…')).toBe('Fixed the flaky test.');
    expect(summaryLine('x'.repeat(200))).toBe(`${'x'.repeat(119)}…`);
    expect(summaryLine('')).toBe('');
  });

  it('finds the last complaint that is not a JSON event', () => {
    expect(lastTextLine('{"type":"x"}\nError: not logged in\n{"type":"y"}\n')).toBe('Error: not logged in');
    expect(lastTextLine('{"type":"x"}\n')).toBeUndefined();
  });

  it('cli: custom: stdout is the message, trimmed', () => {
    expect(parseOutput('custom', '\nThe answer.\n\n')).toEqual({ finalMessage: 'The answer.' });
  });
});
