// The runner against a stub ctx: what it asks of ctx.exec and ctx.secret, and how it words
// the failures that the engine tests cannot provoke with the fake CLIs on PATH.
import { describe, expect, it } from 'vitest';
import type { ExecOptions, ExecResult, NodeContext } from '../../../../engine/nodes/define-node.ts';
import definition from '../../../../nodes/agent/definition.ts';
import runner from '../../../../nodes/agent/run.ts';

interface Stub { ctx: NodeContext; calls: { command: string; args: readonly string[]; options?: ExecOptions }[]; logs: string[] }

function stub(exec: (command: string) => Promise<ExecResult>, secrets: Record<string, string | Error> = {}): Stub {
  const calls: Stub['calls'] = [];
  const logs: string[] = [];
  const ctx = {
    signal: new AbortController().signal, runId: 'r', stepId: 's', attempt: 1, idempotencyKey: 'r/s', workspace: '/ws',
    log: (l: string) => { logs.push(l); }, stdout: () => undefined, stderr: () => undefined,
    secret: async (name: string) => {
      const v = secrets[name];
      if (v instanceof Error) throw v;
      if (v === undefined) throw { code: 'SECRET_NOT_FOUND', message: `no secret ${name}`, retryable: false };
      return v;
    },
    exec: async (command: string, args: readonly string[], options?: ExecOptions) => {
      calls.push({ command, args, options });
      const result = await exec(command);
      options?.onStdout?.(result.stdout); // as ctx.exec does while the process writes
      return result;
    },
    artifacts: { put: async () => ({ name: '', path: '', bytes: 0 }) }, emit: async () => undefined,
  } satisfies NodeContext;
  return { ctx, calls, logs };
}

const done = (stdout: string, exitCode = 0, stderr = ''): Promise<ExecResult> => Promise.resolve({ exitCode, signal: null, stdout, stderr, truncated: false, durationMs: 5 });
const cfg = (more: Record<string, unknown>) => definition.config.parse({ prompt: 'Go', ...more });

describe('agent runner', () => {
  it('passes set secrets only, the prompt as stdin and the resolved cwd', async () => {
    const s = stub(() => done('{"type":"thread.started","thread_id":"t"}\n{"type":"item.completed","item":{"type":"agent_message","text":"ok"}}\n'), { CODEX_API_KEY: 'ck' });
    const out = await runner.run(s.ctx, cfg({ cli: 'codex', cwd: 'sub' }), {});
    expect(s.calls[0]).toMatchObject({ command: 'codex', options: { cwd: '/ws/sub', stdin: 'Go', env: { CODEX_API_KEY: 'ck' } } });
    expect(s.calls[0]!.options!.env).not.toHaveProperty('OPENAI_API_KEY');
    expect(out).toMatchObject({ message: 'ok', session_id: 't', summary: 'ok', cli: 'codex' });
  });

  it('lets a secret store failure other than a missing secret fail the step', async () => {
    const s = stub(() => done(''), { ANTHROPIC_API_KEY: new Error('vault down') });
    await expect(runner.run(s.ctx, cfg({ cli: 'claude' }), {})).rejects.toThrow('vault down');
  });

  it('says how to install a missing preset CLI, or to use cli: custom', async () => {
    const s = stub(() => Promise.reject({ code: 'COMMAND_NOT_FOUND', message: 'not found', retryable: false }));
    await expect(runner.run(s.ctx, cfg({ cli: 'gemini' }), {})).rejects.toEqual(expect.objectContaining({
      code: 'COMMAND_NOT_FOUND', retryable: false, message: 'The gemini CLI ("gemini") is not on the server\'s PATH: install it (npm install -g @google/gemini-cli) or set cli: custom with the command to run.',
    }));
  });

  it('fails on is_error even with exit code 0, and on a kill, quoting the CLI', async () => {
    const s = stub(() => done('{"type":"result","subtype":"success","is_error":true,"result":"Credit balance is too low"}\n'));
    await expect(runner.run(s.ctx, cfg({ cli: 'claude' }), {})).rejects.toMatchObject({ code: 'AGENT_FAILED', retryable: true, message: 'claude reported an error: Credit balance is too low' });
    const killed = stub(() => Promise.resolve({ exitCode: null, signal: 'SIGKILL', stdout: '', stderr: 'out of memory\n', truncated: false, durationMs: 1 }));
    await expect(runner.run(killed.ctx, cfg({ cli: 'codex' }), {})).rejects.toMatchObject({ message: 'codex was killed by SIGKILL: out of memory' });
  });

  it('logs config the CLI cannot take', async () => {
    const s = stub(() => done('{"type":"result","status":"success"}\n'));
    await runner.run(s.ctx, cfg({ cli: 'gemini', max_turns: 4 }), {});
    expect(s.logs).toContain("ignored max_turns: gemini has no turn limit flag; the step's timeout bounds it");
  });
});
