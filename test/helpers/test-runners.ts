// Runners for the test node types (test/helpers/test-nodes.ts), for servers started in tests.
// Every attempt is written to a ledger, so tests can prove what ran and how often.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { defineRunner, type NodeContext, type NodeRunner } from '../../engine/nodes/define-node.ts';
import { chattyNode, echoNode, failNode, flakyNode, probeNode, waitNode } from './test-nodes.ts';

export interface Ledger { entries: { runId: string; step: string; attempt: number; workspace?: string }[] }

/** Targets the `flaky` node finds down. */
export const downTargets = new Set<string>();

export function testRunners(ledger: Ledger = { entries: [] }, gates = new Map<string, () => void>()): NodeRunner[] {
  const record = (ctx: { runId: string; stepId: string; attempt: number; workspace: string }) => ledger.entries.push({ runId: ctx.runId, step: ctx.stepId, attempt: ctx.attempt, workspace: ctx.workspace });
  return [
    defineRunner(echoNode, async (ctx, config) => { record(ctx); return { value: config.value ?? null }; }),
    defineRunner(failNode, async (ctx, config) => {
      record(ctx);
      if (ctx.attempt <= config.times) throw { code: 'BOOM', message: `failed on attempt ${ctx.attempt}`, retryable: config.retryable };
      return { ok: true };
    }),
    defineRunner(chattyNode, async (ctx, config) => {
      record(ctx);
      if (config.child) await printFromChild(ctx, config.lines, config.text);
      else {
        for (let i = 1; i <= config.lines; i++) ctx.stdout(`${config.text} ${i}\n`);
        ctx.stderr('a warning\n');
      }
      ctx.log(`printed ${config.lines} lines`);
      if (ctx.attempt <= config.failTimes) throw { code: 'BOOM', message: `failed on attempt ${ctx.attempt}`, retryable: true };
      if (config.hold) await held(ctx);
      return { lines: config.lines, summary: `printed ${config.lines} lines` };
    }),
    defineRunner(flakyNode, async (ctx, config) => {
      record(ctx);
      if (config.fatal) throw { code: 'BAD_REQUEST', message: 'the target refused the request', retryable: false };
      if (downTargets.has(config.target)) throw { code: 'UNAVAILABLE', message: `${config.target} is down`, retryable: true };
      return { ok: true };
    }),
    defineRunner(waitNode, async (ctx) => { record(ctx); return held(ctx); }),
    defineRunner(probeNode, async (ctx, config) => {
      record(ctx);
      const out: Record<string, unknown> = {};
      // The secret's length only: outputs are journaled and shown, a secret must not be.
      if (config.secret) out.secretLength = (await ctx.secret(config.secret)).length;
      if (config.artifact) out.artifact = await ctx.artifacts.put(config.artifact, config.text);
      if (config.command) out.exec = await ctx.exec(config.command, config.args);
      return out;
    }),
  ];

  /** Resolves when the test calls gates.get(`<runId>:<stepId>`); rejects when the step is aborted. */
  function held(ctx: { runId: string; stepId: string; signal: AbortSignal }): Promise<{ released: true }> {
    return new Promise((resolve, reject) => {
      gates.set(`${ctx.runId}:${ctx.stepId}`, () => resolve({ released: true }));
      ctx.signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'ABORTED' })), { once: true });
    });
  }
}

/** The chatty node's output, printed by a real child process: pipe chunks split lines and characters anywhere. */
async function printFromChild(ctx: NodeContext, lines: number, text: string): Promise<void> {
  const script = 'const [n, t] = process.argv.slice(1); let out = ""; for (let i = 1; i <= Number(n); i++) out += `${t} ${i}\\n`; process.stdout.write(out); process.stderr.write("a warning\\n");';
  const child = spawn(process.execPath, ['-e', script, String(lines), text], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', ctx.stdout);
  child.stderr.on('data', ctx.stderr);
  const [code] = await once(child, 'close');
  if (code !== 0) throw { code: 'EXIT', message: `the child exited with ${String(code)}`, retryable: false };
}
