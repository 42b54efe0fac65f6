// Runs workflows through the real scheduler and executor with an in-memory journal and the
// test node types: echo returns its config, fail fails `times` times, wait blocks until the
// test releases it (or its abort signal fires).
import { expect } from 'vitest';
import type { RunEvent } from '../../../../engine/run/events.ts';
import { RunExecutor, type RunJournal, type StepInvocation } from '../../../../engine/run/executor.ts';
import { buildPlan, type RunPlan } from '../../../../engine/run/plan.ts';
import { fold } from '../../../../engine/run/reducer.ts';
import type { RunState } from '../../../../engine/run/state.ts';
import { loadWorkflowYaml } from '../../../../engine/workflow/load.ts';
import { testRegistry } from '../../../helpers/test-nodes.ts';
import { waitFor } from '../../../helpers/wait.ts';

const registry = testRegistry();

export function planOf(yaml: string): RunPlan {
  const text = `apiVersion: switchyard/v1\nid: t\nname: T\n${yaml}`;
  const loaded = loadWorkflowYaml(text, registry);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return buildPlan(loaded.workflow!, registry);
}

export class MemoryJournal implements RunJournal {
  events: RunEvent[] = [];
  /** Append calls left before the journal starts refusing (e.g. a lost lease). */
  failAfter = Infinity;
  async append(events: RunEvent[]): Promise<void> {
    if (this.failAfter-- <= 0) throw new Error('lease lost');
    this.events.push(...events);
  }
}

export class Harness {
  readonly journal = new MemoryJournal();
  readonly calls: { step: string; attempt: number; config: Record<string, unknown>; key: string }[] = [];
  readonly failures = new Map<string, number>();
  private readonly waiting = new Map<string, { release: (v: unknown) => void; reject: (e: unknown) => void }>();
  running = 0;
  maxRunning = 0;
  executor!: RunExecutor;

  constructor(readonly plan: RunPlan) {}

  invoke = async (inv: StepInvocation): Promise<unknown> => {
    this.calls.push({ step: inv.node.id, attempt: inv.attempt, config: inv.config, key: inv.idempotencyKey });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (inv.node.def.type === 'fail') {
        const failed = this.failures.get(inv.node.id) ?? 0;
        if (failed < (inv.config.times as number)) {
          this.failures.set(inv.node.id, failed + 1);
          throw { code: 'BOOM', message: `${inv.node.id} failed (${failed + 1})`, retryable: inv.config.retryable };
        }
        return { ok: true };
      }
      if (inv.node.def.type === 'wait') {
        return await new Promise((release, reject) => {
          this.waiting.set(inv.node.id, { release, reject });
          inv.signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'ABORTED' })), { once: true });
        });
      }
      await new Promise((r) => setImmediate(r));
      return { value: inv.config.value ?? null };
    } finally {
      this.running--;
    }
  };

  start(inputs: Record<string, unknown> = {}, opts: { maxParallel?: number; initial?: RunEvent[]; recovering?: boolean } = {}): Promise<RunState> {
    const created: RunEvent[] = opts.initial ?? [{ type: 'run.created', versionId: 'v1', inputs, vars: {} }];
    this.journal.events.push(...created);
    this.executor = new RunExecutor(this.plan, fold(created), {
      runId: 'run1', journal: this.journal, invoke: this.invoke, maxParallel: opts.maxParallel,
      base: { run: { id: 'run1' } }, random: () => 0.5,
    });
    return this.executor.start({ recovering: opts.recovering });
  }

  /** Resolves once a `wait` step is blocked, then releases it with an output. */
  async release(step: string, output: unknown = {}): Promise<void> {
    await this.until(() => this.waiting.has(step));
    this.waiting.get(step)!.release(output);
    this.waiting.delete(step);
  }

  async until(predicate: () => boolean): Promise<void> {
    await waitFor(predicate, { timeoutMs: 5000, intervalMs: 1, what: predicate.toString() });
  }

  statusOf(state: RunState): Record<string, string> {
    return Object.fromEntries([...state.steps.values()].map((s) => [s.step, s.status]));
  }

  types(): string[] {
    return this.journal.events.map((e) => ('step' in e ? `${e.type}:${e.step}` : e.type));
  }
}
