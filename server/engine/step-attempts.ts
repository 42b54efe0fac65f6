// One attempt of an action step: its runner, with its circuit breaker, its step log (secrets
// masked) and its ctx in the run's workspace. Sub-workflow steps are the run service's.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { NodeRunner } from '../../engine/nodes/define-node.ts';
import { StepTimeout, type StepInvocation } from '../../engine/run/executor.ts';
import type { Logger } from '../logger.ts';
import { maskedLog } from '../secrets/masked-log.ts';
import { maskValue, type Masker } from '../secrets/masker.ts';
import { breakerPolicy, type BreakerPolicy, type CircuitBreakers } from './circuit-breaker.ts';
import type { createNodeContexts } from './node-context/index.ts';
import type { StepLogs } from './step-logs.ts';

export interface StepAttemptsOptions {
  dataDir: string;
  runners: Iterable<NodeRunner>;
  breakers: CircuitBreakers;
  stepLogs: StepLogs;
  contexts: ReturnType<typeof createNodeContexts>;
  /** The current secrets' masker (secrets change while the server runs). */
  masker(): Masker;
  log: Logger;
}

export function createStepAttempts(opts: StepAttemptsOptions) {
  const runners = new Map([...opts.runners].map((r) => [r.definition.type, r]));

  function breakerFor(inv: StepInvocation): { target: string; policy: BreakerPolicy } | undefined {
    const spec = inv.node.def.breaker;
    if (!spec) return undefined;
    const key = spec.key(inv.config as never);
    return key ? { target: `${inv.node.def.type}:${key}`, policy: breakerPolicy(spec) } : undefined;
  }

  /** Created on first use, so a run recovered on another machine with shared storage finds it too. */
  const workspaces = new Map<string, Promise<string>>();
  function workspaceOf(runId: string): Promise<string> {
    let dir = workspaces.get(runId);
    if (!dir) {
      if (!/^[A-Za-z0-9_-]+$/.test(runId)) return Promise.reject(new Error(`unexpected run id ${runId}`));
      const p = path.join(opts.dataDir, 'runs', runId, 'workspace');
      dir = mkdir(p, { recursive: true }).then(() => p);
      workspaces.set(runId, dir);
    }
    return dir;
  }

  return {
    async run(runId: string, inv: StepInvocation): Promise<unknown> {
      const runner = runners.get(inv.node.def.type);
      if (!runner) throw { code: 'NO_RUNNER', message: `Node type "${inv.node.def.type}" cannot run on this server (it has no run.ts).`, retryable: false };
      const breaker = breakerFor(inv);
      const admitted = breaker ? await opts.breakers.admit(breaker.target, breaker.policy) : undefined;
      if (admitted && !admitted.allowed) {
        throw { code: 'CIRCUIT_OPEN', retryable: true, message: `Calls to ${breaker!.target} are paused after repeated failures (circuit breaker open); the next probe is allowed after ${admitted.until.toISOString()}.` };
      }
      const m = opts.masker();
      const out = maskedLog(opts.stepLogs.open(runId, inv.node.id, inv.iteration, inv.attempt), m);
      let outcome: 'success' | 'failure' | 'ignored' = 'ignored';
      try {
        const ctx = opts.contexts.build({ runId, stepId: inv.node.id, attempt: inv.attempt, idempotencyKey: inv.idempotencyKey, signal: inv.signal, workspace: await workspaceOf(runId) }, out);
        // Cancelled while the workspace was being made: the runner must not start at all.
        inv.signal.throwIfAborted();
        const result = await runner.run(ctx, inv.config as never, {});
        outcome = 'success';
        // Outputs are read by later steps and shown everywhere: masked here, once.
        return maskValue(m, result);
      } catch (err) {
        // The target's fault: a retryable error or a timeout — not a cancel, not bad input.
        const timedOut = inv.signal.reason instanceof StepTimeout;
        if (timedOut) outcome = 'failure';
        else if (!inv.signal.aborted) outcome = (err as { retryable?: unknown })?.retryable === false ? 'success' : 'failure';
        throw err;
      } finally {
        await out.close();
        if (breaker && admitted?.allowed) {
          // A non-retryable error means the target answered (bad input is not an outage): for the
          // breaker that is a success. A cancelled call says nothing; a cancelled probe is handed back.
          await opts.breakers.record(breaker.target, breaker.policy, outcome, admitted.probe).catch((err: unknown) => opts.log.warn('could not record a circuit breaker outcome', { target: breaker.target, error: err }));
        }
      }
    },

    /** The run ended here: its workspace path need not be remembered. */
    forget(runId: string): void {
      workspaces.delete(runId);
    },
  };
}
