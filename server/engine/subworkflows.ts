// The `subworkflow` step: a child run linked to its parent run and step.
//
// The step is executed like an action step — it is "running" while the child runs — so crash
// recovery, timeouts, cancel and retries all apply unchanged. What makes it durable is that
// the child is found again, not started twice: each child row records the parent step
// instance and attempt (Run.parentStepKey = "<step>[@<iteration>]#<attempt>", unique per
// parent). A parent step that runs again after a crash adopts the child it had started; a
// retry after the child FAILED starts a fresh child for the new attempt.
import type { EventEmitter } from 'node:events';
import { RunAbandoned, type StepInvocation } from '../../engine/run/executor.ts';
import { stepKey } from '../../engine/run/state.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { PublishedEvent } from './run-service.ts';

/** Deeper nesting than this is almost surely a workflow that calls itself. */
export const MAX_SUBWORKFLOW_DEPTH = 8;

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

interface ChildConfig { workflow: string; version: number | 'latest'; inputs?: Record<string, unknown>; wait: boolean }

interface ChildRow { id: string; number: number; status: string; outputs: unknown; error: unknown }

export interface SubworkflowDeps {
  db: Db;
  bus: EventEmitter;
  log: Logger;
  startChild(spec: { workflowId: string; version?: number; inputs: Record<string, unknown>; parent: { runId: string; stepKey: string } }): Promise<{ runId: string }>;
  cancel(runId: string, reason: string): Promise<void>;
  /** How often to look at a child executed by another process (ms). */
  pollMs?: number;
}

const stepError = (code: string, message: string, retryable: boolean, details?: Record<string, unknown>) => ({ code, message, retryable, ...(details ? { details } : {}) });

export function createSubworkflows(deps: SubworkflowDeps) {
  const select = { id: true, number: true, status: true, outputs: true, error: true } as const;

  async function depthOf(runId: string): Promise<number> {
    let depth = 0;
    for (let id: string | null = runId; id && depth <= MAX_SUBWORKFLOW_DEPTH; depth++) {
      const row: { parentRunId: string | null } | null = await deps.db.run.findUnique({ where: { id }, select: { parentRunId: true } });
      id = row?.parentRunId ?? null;
    }
    return depth;
  }

  /** The child this step instance already started (for this or an earlier attempt), if any. */
  async function existingChild(parentRunId: string, key: string): Promise<(ChildRow & { attempt: number }) | undefined> {
    const rows = await deps.db.run.findMany({ where: { parentRunId, parentStepKey: { startsWith: `${key}#` } }, select: { ...select, parentStepKey: true } });
    let best: (ChildRow & { attempt: number }) | undefined;
    for (const r of rows) {
      const attempt = Number(r.parentStepKey!.slice(key.length + 1));
      if (!best || attempt > best.attempt) best = { ...r, attempt };
    }
    return best;
  }

  /** Resolves when the run has ended. Listens on the bus and also polls: another process may execute it. */
  function ended(runId: string, signal: AbortSignal): Promise<ChildRow> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        deps.bus.off('event', onEvent);
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const check = () => {
        deps.db.run.findUnique({ where: { id: runId }, select }).then((row) => {
          if (!row) finish(() => reject(stepError('SUBWORKFLOW_GONE', `The child run ${runId} was deleted.`, false)));
          else if (TERMINAL.has(row.status)) finish(() => resolve(row));
          else if (!settled) timer = setTimeout(check, deps.pollMs ?? 1000);
        }, (err: unknown) => finish(() => reject(err)));
      };
      const onEvent = (e: PublishedEvent) => {
        if (e.runId === runId && (e.type === 'run.completed' || e.type === 'run.failed' || e.type === 'run.cancelled')) {
          if (timer) clearTimeout(timer);
          check();
        }
      };
      const onAbort = () => finish(() => reject(signal.reason));
      deps.bus.on('event', onEvent);
      signal.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  async function run(parentRunId: string, inv: StepInvocation): Promise<unknown> {
    const config = inv.config as unknown as ChildConfig;
    const key = stepKey(inv.node.id, inv.iteration);
    let child: { id: string; number?: number } | undefined = await existingChild(parentRunId, key);
    if (child && ((child as ChildRow).status === 'failed' || (child as ChildRow).status === 'cancelled')) child = undefined;
    if (!child) {
      if (await depthOf(parentRunId) >= MAX_SUBWORKFLOW_DEPTH) {
        throw stepError('SUBWORKFLOW_TOO_DEEP', `Step ${inv.node.id} would nest sub-workflows more than ${MAX_SUBWORKFLOW_DEPTH} deep; does "${config.workflow}" start itself?`, false);
      }
      try {
        const started = await deps.startChild({
          workflowId: config.workflow, ...(config.version === 'latest' ? {} : { version: config.version }),
          inputs: config.inputs ?? {}, parent: { runId: parentRunId, stepKey: `${key}#${inv.attempt}` },
        });
        child = { id: started.runId };
      } catch (err) {
        // Unknown workflow, no published version, invalid inputs: retrying cannot help.
        const e = err as { code?: string; message?: string };
        throw stepError('SUBWORKFLOW_START_FAILED', `Step ${inv.node.id} could not start workflow "${config.workflow}": ${e.message ?? String(err)}`, false);
      }
    }
    if (!config.wait) {
      const row = await deps.db.run.findUnique({ where: { id: child.id }, select });
      return { run_id: child.id, number: row?.number ?? null, status: row?.status ?? 'queued' };
    }
    let row: ChildRow;
    try {
      row = await ended(child.id, inv.signal);
    } catch (err) {
      if (inv.signal.aborted && !(inv.signal.reason instanceof RunAbandoned)) {
        // The parent step was cancelled or timed out: the child goes with it.
        await deps.cancel(child.id, `parent run ${parentRunId} stopped step ${inv.node.id}`).catch((e: unknown) => deps.log.warn('could not cancel child run', { runId: child.id, error: e }));
      }
      throw err;
    }
    const ref = { run_id: row.id, number: row.number };
    if (row.status === 'completed') {
      // The child's top-level step outputs, so the parent can use them: steps.<this step>.outputs.steps.<child step>.
      const steps = await deps.db.runStep.findMany({ where: { runId: row.id, iteration: '', status: 'completed' }, select: { stepId: true, output: true } });
      return { ...ref, status: row.status, outputs: row.outputs ?? {}, steps: Object.fromEntries(steps.map((st) => [st.stepId, st.output ?? {}])) };
    }
    const why = (row.error as { message?: string } | null)?.message;
    if (row.status === 'cancelled') throw stepError('SUBWORKFLOW_CANCELLED', `Child run #${row.number} of "${config.workflow}" was cancelled.`, false, ref);
    throw stepError('SUBWORKFLOW_FAILED', `Child run #${row.number} of "${config.workflow}" failed${why ? `: ${why}` : '.'}`, true, ref);
  }

  return { run };
}
