// The run view's two faces (a terminal redrawn in place; plain lines for logs and pipes) and
// the run commands' argument parsing.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../server/cli/runs.ts';
import { RunView } from '../../../server/cli/run-view.ts';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString();
const events = [
  { seq: 1, type: 'run.created', payload: {}, at: at(0) },
  { seq: 2, type: 'run.started', payload: {}, at: at(0) },
  { seq: 3, type: 'step.started', payload: { step: 'build', iteration: '', attempt: 1 }, at: at(0) },
  { seq: 4, type: 'step.failed', payload: { step: 'build', iteration: '', attempt: 1, error: { code: 'X', message: 'flaky' }, retryAt: at(500) }, at: at(100) },
  { seq: 5, type: 'step.started', payload: { step: 'build', iteration: '', attempt: 2 }, at: at(500) },
  { seq: 6, type: 'step.completed', payload: { step: 'build', iteration: '', attempt: 2, output: {} }, at: at(1700) },
  { seq: 7, type: 'step.skipped', payload: { step: 'deploy', iteration: '', reason: 'condition' }, at: at(1700) },
  { seq: 8, type: 'run.completed', payload: {}, at: at(1700) },
];

describe('RunView', () => {
  it('prints one plain line per change when not on a terminal', () => {
    let out = '';
    const view = new RunView('ci #1', ['build', 'deploy'], { tty: false, colour: false, write: (t) => { out += t; } });
    for (const e of events) view.apply(e);
    view.stop();
    expect(out).not.toContain('\x1b[');
    expect(out.split('\n')).toEqual(['ci #1', 'run running', '▶ build  running', '↻ build  retrying 100ms  flaky', '▶ build  running (attempt 2)', '✓ build  completed (attempt 2) 1.2s', '– deploy  skipped  condition', 'run completed', '']);
  });

  it('redraws every step in place on a terminal, in colour when asked', () => {
    let out = '';
    const view = new RunView('ci #1', ['build', 'deploy'], { tty: true, colour: true, write: (t) => { out += t; }, now: () => Date.parse(at(1700)) });
    for (const e of events) view.apply(e);
    view.stop();
    const last = out.slice(out.lastIndexOf('\x1b[0J') + 4);
    expect(out).toContain('F\x1b[0J'); // cursor back up N lines, clear, redraw
    expect(last).toContain('\x1b[32m✓ build\x1b[0m  completed (attempt 2) 1.2s');
    expect(last).toContain('– deploy');
    expect(last.trim().endsWith('completed')).toBe(true);
  });
});

describe('parseArgs', () => {
  it('reads repeated inputs, --flag=value and switches', () => {
    const p = parseArgs(['run', 'wf.yaml', '-i', 'a=1', '--input=b=two', '--server', 'http://x', '--json']);
    expect(p.positional).toEqual(['run', 'wf.yaml']);
    expect(p.values.get('--input')).toEqual(['a=1', 'b=two']);
    expect(p.values.get('--server')).toEqual(['http://x']);
    expect(p.flags.has('--json')).toBe(true);
    expect(() => parseArgs(['--input'])).toThrow('--input needs a value');
  });
});
