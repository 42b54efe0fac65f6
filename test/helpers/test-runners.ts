// Runners for the test node types (test/helpers/test-nodes.ts), for servers started in tests.
// Every attempt is written to a ledger, so tests can prove what ran and how often.
import { defineRunner, type NodeRunner } from '../../engine/nodes/define-node.ts';
import { chattyNode, echoNode, failNode, flakyNode, waitNode } from './test-nodes.ts';

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
      for (let i = 1; i <= config.lines; i++) ctx.stdout(`${config.text} ${i}\n`);
      ctx.stderr('a warning\n');
      ctx.log(`printed ${config.lines} lines`);
      return { lines: config.lines, summary: `printed ${config.lines} lines` };
    }),
    defineRunner(flakyNode, async (ctx, config) => {
      record(ctx);
      if (config.fatal) throw { code: 'BAD_REQUEST', message: 'the target refused the request', retryable: false };
      if (downTargets.has(config.target)) throw { code: 'UNAVAILABLE', message: `${config.target} is down`, retryable: true };
      return { ok: true };
    }),
    defineRunner(waitNode, (ctx) => new Promise((resolve, reject) => {
      record(ctx);
      gates.set(`${ctx.runId}:${ctx.stepId}`, () => resolve({ released: true }));
      ctx.signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'ABORTED' })), { once: true });
    })),
  ];
}
