// A stand-in for the claude, codex and gemini CLIs, for the suite: it reads the prompt on stdin
// and prints what the real CLI prints in the format the agent node asks for. The three files
// beside it only load it under the CLI's name. It writes the argv it got (and its pid) to
// .fake-agent/<cli>.json in its working directory, so tests can assert the flags.
//
// Behaviour, from $FAKE_AGENT_MODE or a "[fake:<mode>]" in the prompt (the node passes only a
// minimal environment, so engine tests use the prompt):
//   ok (default)  answer "Done: <prompt's first line>" ("[fake:json]": a ```json block instead)
//   fail          a run that reports an error in its own format, exit code 1
//   exit=<n>      a complaint on stderr, then exit <n>
//   slow          start, then keep printing until killed
//   noise         non-JSON lines around the events
import fs from 'node:fs';
import path from 'node:path';
import { setInterval } from 'node:timers';

// The name it was started by (claude, codex or gemini) picks the format.
const cli = path.basename(process.argv[1]);
const argv = process.argv.slice(2);
const prompt = fs.readFileSync(0, 'utf8');
const mode = process.env.FAKE_AGENT_MODE || (/\[fake:([^\]]+)\]/.exec(prompt) || [])[1] || 'ok';

fs.mkdirSync('.fake-agent', { recursive: true });
fs.writeFileSync(path.join('.fake-agent', `${cli}.json`), JSON.stringify({ argv, cwd: process.cwd(), pid: process.pid, prompt, env: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY, OPENAI_API_KEY: process.env.OPENAI_API_KEY, GEMINI_API_KEY: process.env.GEMINI_API_KEY } }) + '\n');

const answer = /\[fake:json\]/.test(prompt)
  ? 'Here is the result:\n```json\n{"ok": true, "files": ["a.ts"]}\n```'
  : `Done: ${prompt.split('\n')[0].replace(/\[fake:[^\]]+\]/g, '').trim()}`;
const out = (event) => process.stdout.write(JSON.stringify(event) + '\n');
const ts = () => new Date().toISOString();

const formats = {
  claude: {
    start() { out({ type: 'system', subtype: 'init', session_id: 'sess-claude-1', model: 'claude-fake-1', tools: ['Read', 'Edit', 'Bash'] }); },
    work() {
      out({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text: 'Looking at the tests.' }, { type: 'tool_use', id: 'tu_1', name: 'Bash', input: { command: 'npm test' } }] }, session_id: 'sess-claude-1' });
      out({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: 'ok' }] }, session_id: 'sess-claude-1' });
      out({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text: answer }] }, session_id: 'sess-claude-1' });
    },
    finish(error) {
      out({ type: 'result', subtype: error ? 'error_during_execution' : 'success', is_error: Boolean(error), duration_ms: 1200, num_turns: 3, result: error || answer, session_id: 'sess-claude-1', total_cost_usd: 0.0123, usage: { input_tokens: 1500, cache_read_input_tokens: 200, output_tokens: 250 } });
    },
  },
  codex: {
    start() { out({ type: 'thread.started', thread_id: 'thread-codex-1' }); out({ type: 'turn.started' }); },
    work() {
      out({ type: 'item.completed', item: { id: 'item_0', type: 'reasoning', text: '**Checking tests**' } });
      out({ type: 'item.started', item: { id: 'item_1', type: 'command_execution', command: 'bash -lc "npm test"', aggregated_output: '', status: 'in_progress' } });
      out({ type: 'item.completed', item: { id: 'item_1', type: 'command_execution', command: 'bash -lc "npm test"', aggregated_output: 'ok\n', exit_code: 0, status: 'completed' } });
      out({ type: 'item.completed', item: { id: 'item_2', type: 'agent_message', text: answer } });
    },
    finish(error) {
      if (error) out({ type: 'turn.failed', error: { message: error } });
      else out({ type: 'turn.completed', usage: { input_tokens: 2400, cached_input_tokens: 1800, output_tokens: 120 } });
    },
  },
  gemini: {
    start() {
      out({ type: 'init', timestamp: ts(), session_id: 'sess-gemini-1', model: 'gemini-fake-pro' });
      out({ type: 'message', timestamp: ts(), role: 'user', content: prompt });
    },
    work() {
      out({ type: 'message', timestamp: ts(), role: 'assistant', content: 'Let me run the tests.', delta: true });
      out({ type: 'tool_use', timestamp: ts(), tool_name: 'run_shell_command', tool_id: 't1', parameters: { command: 'npm test' } });
      out({ type: 'tool_result', timestamp: ts(), tool_id: 't1', status: 'success', output: 'ok' });
      const half = Math.ceil(answer.length / 2);
      out({ type: 'message', timestamp: ts(), role: 'assistant', content: answer.slice(0, half), delta: true });
      out({ type: 'message', timestamp: ts(), role: 'assistant', content: answer.slice(half), delta: true });
    },
    finish(error) {
      const stats = { total_tokens: 900, input_tokens: 700, output_tokens: 200, cached: 0, input: 700, duration_ms: 900, tool_calls: 1 };
      out({ type: 'result', timestamp: ts(), status: error ? 'error' : 'success', ...(error ? { error: { type: 'Error', message: error } } : {}), stats });
    },
  },
};

const f = formats[cli];
if (mode.startsWith('exit=')) {
  process.stderr.write(`${cli}: warming up\n${cli}: Invalid API key · Please run /login\n`);
  process.exit(Number(mode.slice(5)));
}
if (mode === 'noise') process.stdout.write('Loaded cached credentials.\n');
f.start();
if (mode === 'slow') {
  setInterval(() => process.stdout.write(`${JSON.stringify({ type: 'progress', at: ts() })}\n`), 200);
} else if (mode === 'fail') {
  f.work();
  f.finish('API Error: 529 Overloaded');
  process.exitCode = 1;
} else {
  f.work();
  if (mode === 'noise') process.stdout.write('warning: something non-fatal\n');
  f.finish();
}
