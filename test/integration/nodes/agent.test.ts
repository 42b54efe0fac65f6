// The agent node through a real server and ctx.exec, with the suite's fake claude, codex and
// gemini CLIs (test/helpers/fake-agents) first on the server's PATH: each preset's flags as the
// CLI received them, its outputs read from its own output format, output: json, failures with
// the CLI's words, secrets passed only when set, cli: custom without a shell, and cancel
// killing the CLI. The fakes take their behaviour from "[fake:<mode>]" in the prompt, since a
// step's process gets no environment from the test.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processGone } from '../../helpers/processes.ts';
import { waitFor } from '../../helpers/wait.ts';
import { useNodeServer } from './harness.ts';

const FAKES = path.resolve('test/helpers/fake-agents');

interface FakeCall { argv: string[]; cwd: string; pid: number; prompt: string; env: Record<string, string | undefined> }

describe('agent node', () => {
  // The server's children get its PATH (ctx.exec's minimal environment), read when it starts.
  const savedPath = process.env.PATH;
  beforeAll(() => { process.env.PATH = `${FAKES}${path.delimiter}${savedPath ?? ''}`; });
  afterAll(() => { process.env.PATH = savedPath; });
  const nodes = useNodeServer({ SWITCHYARD_SECRET_ANTHROPIC_API_KEY: 'sk-ant-test' });

  const workspace = (runId: string) => path.join(nodes.fx.server.app.context.config.dataDir, 'runs', runId, 'workspace');
  const call = (runId: string, cli: string, dir = ''): FakeCall => JSON.parse(readFileSync(path.join(workspace(runId), dir, '.fake-agent', `${cli}.json`), 'utf8')) as FakeCall;
  const agent = (id: string, withYaml: string) => `  - id: ${id}\n    type: agent\n    with:\n${withYaml.trim().split('\n').map((l) => `      ${l}`).join('\n')}\n`;

  it('claude: print mode with stream-json, model, permission mode, max turns and allowed tools; message, cost, tokens, turns and session from its result event', async () => {
    const runId = await nodes.start(agent('a', `
cli: claude
prompt: "Fix the flaky test\\nThen run the suite."
model: sonnet
permission_mode: read_only
max_turns: 7
allowed_tools: [Read, "Bash(npm test)"]`));
    await nodes.fx.server.app.context.runs.waitFor(runId);
    const step = nodes.step(await nodes.get(runId), 'a');
    expect(step.status).toBe('completed');
    expect(step.output).toEqual({
      message: 'Done: Fix the flaky test', cli: 'claude', model: 'sonnet', cost_usd: 0.0123, tokens: { input: 1500, output: 250 },
      turns: 3, session_id: 'sess-claude-1', summary: 'Done: Fix the flaky test',
    });
    expect(step.summary).toBe('Done: Fix the flaky test');
    const got = call(runId, 'claude');
    expect(got.argv).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--model', 'sonnet', '--permission-mode', 'default', '--max-turns', '7', '--allowedTools', 'Read', 'Bash(npm test)']);
    expect(got.prompt).toBe('Fix the flaky test\nThen run the suite.');
    expect(got.cwd).toBe(realpathSync(workspace(runId)));
    expect(got.env.ANTHROPIC_API_KEY).toBe('sk-ant-test');
    // The raw stream in the step's stdout, a readable line per message and tool call in its log.
    const stdout = (await nodes.fx.api.runs.logs.query({ runId, step: 'a', stream: 'stdout', offset: 0 })).text;
    expect(stdout).toContain('"type":"result"');
    const log = await nodes.log(runId, 'a');
    expect(log).toContain('assistant: Looking at the tests.');
    expect(log).toContain('tool: Bash {"command":"npm test"}');
  });

  it('codex: exec --json with sandbox, --cd inside the workspace and the prompt on stdin; tokens and turns from its events; no secret, no key', async () => {
    const runId = await nodes.start([
      '  - { id: mk, type: script, with: { run: "mkdir -p repo/api" } }',
      agent('a', `
cli: codex
prompt: "Add a health endpoint [fake:noise]"
model: gpt-5-codex
cwd: repo/api
permission_mode: full
max_turns: 9`).replace('    type: agent\n', '    type: agent\n    needs: [mk]\n'),
    ].join('\n'));
    await nodes.fx.server.app.context.runs.waitFor(runId);
    const step = nodes.step(await nodes.get(runId), 'a');
    expect(step.status).toBe('completed');
    expect(step.output).toMatchObject({ message: 'Done: Add a health endpoint', cli: 'codex', model: 'gpt-5-codex', tokens: { input: 2400, output: 120 }, turns: 1, session_id: 'thread-codex-1' });
    expect(step.output).not.toHaveProperty('cost_usd');
    const dir = realpathSync(path.join(workspace(runId), 'repo/api'));
    const got = call(runId, 'codex', 'repo/api');
    expect(got.argv).toEqual(['exec', '--json', '--model', 'gpt-5-codex', '--sandbox', 'danger-full-access', '--skip-git-repo-check', '--cd', path.join(workspace(runId), 'repo/api'), '-']);
    expect(got.cwd).toBe(dir);
    expect(got.env.OPENAI_API_KEY).toBeUndefined();
    expect(got.env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(await nodes.log(runId, 'a')).toContain('ignored max_turns: codex has no turn limit flag');
  });

  it('gemini with output: json: the ```json block of its final message becomes `result`', async () => {
    const runId = await nodes.start(agent('a', `
cli: gemini
prompt: "List the changed files [fake:json]"
model: gemini-2.5-pro
output: json`));
    await nodes.fx.server.app.context.runs.waitFor(runId);
    const step = nodes.step(await nodes.get(runId), 'a');
    expect(step.status).toBe('completed');
    expect(step.output).toMatchObject({ result: { ok: true, files: ['a.ts'] }, cli: 'gemini', model: 'gemini-2.5-pro', tokens: { input: 700, output: 200 }, session_id: 'sess-gemini-1', summary: 'Here is the result:' });
    expect(call(runId, 'gemini').argv).toEqual(['--output-format', 'stream-json', '--model', 'gemini-2.5-pro', '--approval-mode', 'auto_edit']);
  });

  it('fails the step with AGENT_FAILED and the CLI\'s own words: an error result, or a non-zero exit with its last stderr line', async () => {
    const reported = await nodes.run(agent('a', 'cli: claude\nprompt: "Do it [fake:fail]"'));
    expect(reported.status).toBe('failed');
    expect(nodes.step(reported, 'a').error).toEqual({ code: 'AGENT_FAILED', retryable: true, message: 'claude exited with code 1: API Error: 529 Overloaded', details: { exitCode: 1, signal: null } });

    const exited = await nodes.run(agent('a', 'cli: gemini\nprompt: "Do it [fake:exit=3]"'));
    expect(nodes.step(exited, 'a').error).toMatchObject({ code: 'AGENT_FAILED', retryable: true, message: 'gemini exited with code 3: gemini: Invalid API key · Please run /login' });

    const codex = await nodes.run(agent('a', 'cli: codex\nprompt: "Do it [fake:fail]"'));
    expect(nodes.step(codex, 'a').error).toMatchObject({ message: 'codex exited with code 1: API Error: 529 Overloaded' });
  });

  it('output: json with a message that is not JSON fails for good with AGENT_OUTPUT_NOT_JSON', async () => {
    const view = await nodes.run(agent('a', 'cli: claude\nprompt: Summarise\noutput: json'));
    expect(nodes.step(view, 'a').error).toMatchObject({ code: 'AGENT_OUTPUT_NOT_JSON', retryable: false, message: expect.stringContaining('"Done: Summarise"') as string });
  });

  it('cli: custom runs the command without a shell, prompt on stdin, config in SWITCHYARD_AGENT_*; refuses shell syntax, a missing program and a cwd outside the workspace', async () => {
    const ok = await nodes.run(agent('a', `
cli: custom
command: "sh -c 'echo model=$SWITCHYARD_AGENT_MODEL mode=$SWITCHYARD_AGENT_PERMISSION_MODE; cat'"
model: local-7b
permission_mode: read_only
prompt: "Explain; then $(rm -rf /)"`));
    expect(nodes.step(ok, 'a')).toMatchObject({ status: 'completed', output: { message: 'model=local-7b mode=read_only\nExplain; then $(rm -rf /)', cli: 'custom', summary: 'model=local-7b mode=read_only' } });

    const piped = await nodes.run(agent('a', 'cli: custom\ncommand: "my-agent | tee out.log"\nprompt: x'));
    expect(nodes.step(piped, 'a').error).toMatchObject({ code: 'INVALID_COMMAND', retryable: false, message: expect.stringContaining('"|" would mean something to a shell') as string });

    const missing = await nodes.run(agent('a', 'cli: custom\ncommand: no-such-agent-cli --go\nprompt: x'));
    expect(nodes.step(missing, 'a').error).toMatchObject({ code: 'COMMAND_NOT_FOUND', retryable: false, message: expect.stringContaining('"no-such-agent-cli"') as string });

    const escape = await nodes.run(agent('a', 'cli: claude\ncwd: ../..\nprompt: x'));
    expect(nodes.step(escape, 'a').error).toMatchObject({ code: 'INVALID_CWD', retryable: false });
  });

  it('cancel kills the running CLI', async () => {
    const runId = await nodes.start(agent('a', 'cli: claude\nprompt: "Work forever [fake:slow]"'));
    const file = path.join(workspace(runId), '.fake-agent', 'claude.json');
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'), { what: 'the fake claude to start' });
    const { pid } = call(runId, 'claude');
    expect(processGone(pid)).toBe(false);
    await nodes.fx.api.runs.cancel.mutate({ runId, reason: 'test' });
    await nodes.fx.server.app.context.runs.waitFor(runId);
    const view = await nodes.get(runId);
    expect(view.status).toBe('cancelled');
    expect(nodes.step(view, 'a').status).toBe('cancelled');
    await waitFor(() => processGone(pid), { what: `fake claude ${pid} to die` });
  });
});
