// The output parsers on hand-written samples of each CLI's documented format (every field
// missing, noise between events, chunks cut mid-line), and on what the suite's fake CLIs print.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputParser, parseOutput } from '../../../../nodes/agent/output.ts';

const lines = (...events: unknown[]) => events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n');

/** Feeds `text` in chunks of `size` characters, as a pipe might. */
function chunked(cli: 'claude' | 'codex' | 'gemini', text: string, size: number) {
  const notes: string[] = [];
  const p = outputParser(cli, (l) => notes.push(l));
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  return { report: p.end(), notes };
}

describe('claude stream-json', () => {
  const stream = lines(
    { type: 'system', subtype: 'init', session_id: 's1', model: 'claude-sonnet-4-5' },
    'some banner that is not JSON',
    { type: 'assistant', message: { content: [{ type: 'text', text: 'Reading.' }, { type: 'tool_use', name: 'Read', input: { file_path: 'a.ts' } }] } },
    { type: 'user', message: { content: [{ type: 'tool_result', content: 'x' }] } },
    { type: 'assistant', message: { content: [{ type: 'text', text: 'All green.\nDetails follow.' }] } },
    { type: 'result', subtype: 'success', is_error: false, result: 'All green.\nDetails follow.', total_cost_usd: 0.42, usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 5 }, num_turns: 4, session_id: 's1' },
  );

  it('reads the result event, whatever the chunking; notes each message and tool call', () => {
    for (const size of [1, 7, 64, stream.length]) {
      const { report, notes } = chunked('claude', `${stream}\n`, size);
      expect(report).toEqual({ sessionId: 's1', model: 'claude-sonnet-4-5', finalMessage: 'All green.\nDetails follow.', costUsd: 0.42, tokens: { input: 10, output: 20 }, turns: 4 });
      expect(notes).toEqual(['assistant: Reading.', 'tool: Read {"file_path":"a.ts"}', 'assistant: All green. Details follow.']);
    }
  });

  it('reads --output-format json (the result object alone) and an older cost_usd', () => {
    expect(parseOutput('claude', JSON.stringify({ type: 'result', subtype: 'success', result: 'ok', cost_usd: 0.1 }))).toEqual({ finalMessage: 'ok', costUsd: 0.1, tokens: undefined, turns: undefined });
  });

  it('reports is_error and error subtypes with their words; falls back to the last text without a result', () => {
    expect(parseOutput('claude', lines({ type: 'result', subtype: 'success', is_error: true, result: 'API Error: 401' }))).toMatchObject({ isError: true, errorMessage: 'API Error: 401' });
    expect(parseOutput('claude', lines({ type: 'result', subtype: 'error_max_turns', num_turns: 3 }))).toMatchObject({ isError: true, errorMessage: 'error_max_turns', turns: 3 });
    expect(parseOutput('claude', lines({ type: 'result', subtype: 'error_during_execution', errors: ['boom'] }))).toMatchObject({ errorMessage: 'boom' });
    expect(parseOutput('claude', lines({ type: 'assistant', message: { content: [{ type: 'text', text: 'partial' }] } }, '{"type":"res'))).toEqual({ finalMessage: 'partial' });
    expect(parseOutput('claude', '')).toEqual({});
  });
});

describe('codex exec --json', () => {
  const stream = lines(
    { type: 'thread.started', thread_id: 't-1' },
    { type: 'turn.started' },
    { type: 'item.completed', item: { id: 'i0', type: 'reasoning', text: '**Thinking**' } },
    { type: 'item.completed', item: { id: 'i1', type: 'command_execution', command: 'bash -lc ls', aggregated_output: 'a\n', exit_code: 0, status: 'completed' } },
    { type: 'item.completed', item: { id: 'i2', type: 'file_change', changes: [{ path: 'a.ts', kind: 'update' }], status: 'completed' } },
    { type: 'item.completed', item: { id: 'i3', type: 'agent_message', text: 'Fixed it.' } },
    { type: 'turn.completed', usage: { input_tokens: 100, cached_input_tokens: 80, output_tokens: 7 } },
    { type: 'turn.completed', usage: { input_tokens: 50, output_tokens: 3 } },
  );

  it('sums usage over turns, takes the last agent message and the thread id', () => {
    const { report, notes } = chunked('codex', stream, 13);
    expect(report).toEqual({ sessionId: 't-1', finalMessage: 'Fixed it.', tokens: { input: 150, output: 10 }, turns: 2 });
    expect(notes).toEqual(['command: bash -lc ls (exit 0)', 'files: update a.ts', 'assistant: Fixed it.']);
  });

  it('reports turn.failed and error events', () => {
    expect(parseOutput('codex', lines({ type: 'turn.failed', error: { message: 'stream disconnected' } }))).toMatchObject({ isError: true, errorMessage: 'stream disconnected' });
    expect(parseOutput('codex', lines({ type: 'error', message: 'quota exceeded' }))).toMatchObject({ isError: true, errorMessage: 'quota exceeded' });
  });

  it('understands the older {"msg": …} events', () => {
    const old = lines({ id: '0', msg: { type: 'agent_message', message: 'old style' } }, { id: '0', msg: { type: 'token_count', input_tokens: 9, output_tokens: 4 } });
    expect(parseOutput('codex', old)).toEqual({ finalMessage: 'old style', tokens: { input: 9, output: 4 } });
  });
});

describe('gemini stream-json and json', () => {
  const stream = lines(
    'Loaded cached credentials.',
    { type: 'init', timestamp: 't', session_id: 'g-1', model: 'gemini-2.5-pro' },
    { type: 'message', role: 'user', content: 'do it' },
    { type: 'message', role: 'assistant', content: 'I will ', delta: true },
    { type: 'message', role: 'assistant', content: 'look.', delta: true },
    { type: 'tool_use', tool_name: 'read_file', tool_id: 'a', parameters: { path: 'x' } },
    { type: 'tool_result', tool_id: 'a', status: 'success', output: '…' },
    { type: 'message', role: 'assistant', content: 'Done ', delta: true },
    { type: 'message', role: 'assistant', content: 'now.', delta: true },
    { type: 'result', status: 'success', stats: { total_tokens: 30, input_tokens: 20, output_tokens: 10, tool_calls: 1 } },
  );

  it('joins the deltas after the last tool call into the final message', () => {
    const { report, notes } = chunked('gemini', stream, 5);
    expect(report).toEqual({ sessionId: 'g-1', model: 'gemini-2.5-pro', finalMessage: 'Done now.', tokens: { input: 20, output: 10 } });
    expect(notes).toEqual(['assistant: I will look.', 'tool: read_file {"path":"x"}', 'assistant: Done now.']);
  });

  it('notes each stretch of text once, and keeps the last one when a tool call came after it', () => {
    const { report, notes } = chunked('gemini', lines(
      { type: 'message', role: 'assistant', content: 'Checking.' },
      { type: 'tool_use', tool_name: 'a', parameters: {} },
      { type: 'tool_use', tool_name: 'b', parameters: {} },
    ), 1000);
    expect(notes).toEqual(['assistant: Checking.', 'tool: a {}', 'tool: b {}']);
    expect(report.finalMessage).toBe('Checking.');
  });

  it('reports a result with status error', () => {
    expect(parseOutput('gemini', lines({ type: 'result', status: 'error', error: { type: 'Error', message: 'quota' } }))).toMatchObject({ isError: true, errorMessage: 'quota' });
  });

  it('reads the pretty-printed --output-format json object', () => {
    const whole = JSON.stringify({ session_id: 'g-2', response: 'The answer.', stats: { models: { 'gemini-2.5-pro': { tokens: { prompt: 12, candidates: 8, total: 20 } } } } }, null, 2);
    expect(parseOutput('gemini', whole)).toEqual({ sessionId: 'g-2', finalMessage: 'The answer.', tokens: { input: 12, output: 8 } });
    expect(parseOutput('gemini', JSON.stringify({ error: { type: 'Error', message: 'Please set an Auth method', code: 41 } }, null, 2))).toMatchObject({ isError: true, errorMessage: 'Please set an Auth method' });
  });
});

describe('the fake CLIs print what the parsers expect', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-agent-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fake = (cli: string, prompt: string) => execFileSync(path.resolve('test/helpers/fake-agents', cli), [], { cwd: dir, input: prompt, encoding: 'utf8' });

  it.each([
    ['claude', { costUsd: 0.0123, tokens: { input: 1500, output: 250 }, turns: 3, sessionId: 'sess-claude-1' }],
    ['codex', { tokens: { input: 2400, output: 120 }, turns: 1, sessionId: 'thread-codex-1' }],
    ['gemini', { tokens: { input: 700, output: 200 }, sessionId: 'sess-gemini-1' }],
  ] as const)('%s', (cli, expected) => {
    const report = parseOutput(cli, fake(cli, 'Add a test [fake:noise]\nmore'));
    expect(report).toMatchObject({ finalMessage: 'Done: Add a test', ...expected });
    expect(report.isError).toBeUndefined();
  });
});
