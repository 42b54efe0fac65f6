// Drives one run: decide → journal → act, until the run is over.
//
// Order is the durability promise: the events a decision produces are appended to the journal
// (and must be durable) BEFORE any action runs or anyone is told; the in-memory state only
// advances past a successful append. If the append fails (the process lost the run's lease,
// the database is gone) the executor stops acting on the run and reports the failure; another
// process recovers the run from its journal.
//
// All state changes go through one queue, so decisions never interleave. Timers (retry
// back-off) only wake the loop; what is due is decided from the journaled state.
import type { ExpressionContext } from '../expressions/index.ts';
import { parseDuration } from '../format/duration.ts';
import { resolveConfig } from './config.ts';
import type { RunEvent, StepError } from './events.ts';
import type { PlanNode, RunPlan } from './plan.ts';
import { fold } from './reducer.ts';
import { decide, expressionData, gateDecision, recover, stepFinished, type Action, type Decision, type SchedulerOptions, type StepResult } from './scheduler.ts';
import { stepKey, TERMINAL_RUN, type RunState } from './state.ts';

/** Appends events durably, in order; rejects when the run may no longer be written by us. */
export interface RunJournal {
  append(events: RunEvent[]): Promise<void>;
}

export interface StepInvocation {
  node: PlanNode;
  iteration: string;
  attempt: number;
  config: Record<string, unknown>;
  /** Stable across attempts and restarts: run id + step id (+ iteration). */
  idempotencyKey: string;
  signal: AbortSignal;
}

/** Runs an action step; resolves with its output, rejects with its error. */
export type StepInvoker = (inv: StepInvocation) => Promise<unknown>;

export interface ExecutorOptions {
  runId: string;
  journal: RunJournal;
  invoke: StepInvoker;
  now?: () => Date;
  maxParallel?: number;
  base?: ExpressionContext;
  random?: () => number;
  /** Turns whatever a step threw into a journaled error. */
  toError?: (err: unknown) => StepError;
}

export function defaultToError(err: unknown): StepError {
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const e = err as { code: unknown; message: unknown; retryable?: unknown; details?: unknown };
    const details = e.details && typeof e.details === 'object' && !Array.isArray(e.details) ? { details: e.details as Record<string, unknown> } : {};
    return { code: String(e.code), message: String(e.message), retryable: e.retryable !== false, ...details };
  }
  return { code: 'STEP_FAILED', message: err instanceof Error ? err.message : String(err), retryable: true };
}

/**
 * The abort reason a step sees when this process stops executing the run (lease lost, shutdown)
 * rather than the run stopping it: the step's work should be left alone, not undone — the
 * process that takes the run over will run the step again.
 */
export class RunAbandoned extends Error {
  override name = 'RunAbandoned';
}

/** The abort reason a step sees when its attempt ran out of time (a failure of its target). */
export class StepTimeout extends Error {
  override name = 'StepTimeout';
}

export class RunExecutor {
  private state: RunState;
  private queue: Promise<void> = Promise.resolve();
  private readonly controllers = new Map<string, AbortController>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  /** Steps changed by what was journaled since the last decision; undefined: look at every step. */
  private touched: Set<string> | undefined;
  private stopped: Error | undefined;
  private done!: (s: RunState) => void;
  private failed!: (e: Error) => void;
  readonly finished: Promise<RunState>;

  constructor(private readonly plan: RunPlan, initial: RunState, private readonly opts: ExecutorOptions) {
    this.state = initial;
    this.finished = new Promise((resolve, reject) => { this.done = resolve; this.failed = reject; });
    this.finished.catch(() => undefined);
  }

  get current(): RunState { return this.state; }

  /** True once this executor stopped acting on the run (abandoned, or an append failed). */
  get abandoned(): boolean { return this.stopped !== undefined; }

  /**
   * Starts the run, or continues one rebuilt from its journal after a crash (`recovering`):
   * attempts that were in flight run again (see recover in ./scheduler.ts).
   */
  start(opts: { recovering?: boolean } = {}): Promise<RunState> {
    this.enqueue(async () => {
      await this.step(opts.recovering ? recover(this.plan, this.state, true) : undefined);
    });
    return this.finished;
  }

  pause(by?: string): Promise<void> { return this.command({ type: 'run.paused', by }); }
  resume(by?: string): Promise<void> { return this.command({ type: 'run.resumed', by }); }
  cancel(by?: string, reason?: string): Promise<void> { return this.command({ type: 'run.cancel_requested', by, reason }); }

  /** Records an approval or rejection; throws GateNotWaitingError when the gate is not waiting. */
  async decideGate(step: string, decision: 'approve' | 'reject', by: string, comment?: string, iteration?: string): Promise<void> {
    // A refused decision is the caller's problem, not the run's: it must not stop the queue.
    let refused: unknown;
    await this.enqueue(async () => {
      let d: Decision;
      try { d = gateDecision(this.plan, this.state, { step, iteration, decision, by, comment, now: this.now() }, true); } catch (err) { refused = err; return; }
      await this.step(d);
    });
    if (refused) throw refused;
  }

  private command(event: RunEvent): Promise<void> {
    return this.enqueue(async () => {
      if (TERMINAL_RUN.has(this.state.status)) return;
      await this.commit({ events: [event], actions: [] });
      await this.step();
    });
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(() => (this.stopped ? undefined : fn()));
    this.queue = next.catch((err: unknown) => this.stop(err instanceof Error ? err : new Error(String(err))));
    return next;
  }

  private now(): Date { return this.opts.now?.() ?? new Date(); }

  private schedulerOptions(): SchedulerOptions {
    return { now: this.now(), maxParallel: this.opts.maxParallel, base: this.opts.base, random: this.opts.random, owned: true };
  }

  /** Journal first; only then advance state and act. */
  private async commit(decision: Decision): Promise<void> {
    if (decision.events.length) {
      await this.opts.journal.append(decision.events);
      this.state = decision.state ?? fold(decision.events, this.state);
      this.track(decision.events);
    }
    for (const action of decision.actions) this.act(action);
  }

  /** Notes which steps the events changed, for the next decision to look at. */
  private track(events: readonly RunEvent[]): void {
    for (const e of events) {
      if (e.type.startsWith('run.')) this.touched = undefined; // a run-level change: look at everything
      else if ('step' in e && e.step) this.touched?.add(e.step);
    }
  }

  /**
   * Decides what follows and journals it. `first` — a decision already made on this state (a
   * step finished, a gate was decided, a crash was recovered from) — is journaled in the same
   * append: one write per step instead of two, and still nothing acts before it is durable.
   */
  private async step(first?: Decision): Promise<void> {
    if (first?.events.length) {
      // Decided on, not yet journaled: the decision below builds on it, and both are appended
      // together before anything acts (an append that fails stops this executor).
      this.state = first.state ?? fold(first.events, this.state);
      this.track(first.events);
    }
    const changed = this.touched;
    this.touched = new Set();
    const opts = this.schedulerOptions();
    opts.changed = changed;
    const next = decide(this.plan, this.state, opts);
    await this.commit(first ? { events: [...first.events, ...next.events], actions: [...first.actions, ...next.actions], state: next.state ?? first.state } : next);
    if (TERMINAL_RUN.has(this.state.status) && this.controllers.size === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.done(this.state);
    }
  }

  private act(action: Action): void {
    if (action.kind === 'wake') {
      // Keep the earliest: a decision that looked at a few steps only names their due times.
      const at = new Date(action.at).getTime();
      if (this.timer && this.timerAt <= at) return;
      if (this.timer) clearTimeout(this.timer);
      this.timerAt = at;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.timerAt = Infinity;
        // Something came due: look at every step (a due retry, delay, gate timeout or deadline).
        this.touched = undefined;
        void this.enqueue(() => this.step());
      }, Math.max(0, at - this.now().getTime()));
    } else if (action.kind === 'abort') {
      this.controllers.get(stepKey(action.step, action.iteration))?.abort(new Error(action.reason));
    } else {
      this.launch(action.step, action.iteration, action.attempt);
    }
  }

  private launch(stepId: string, iteration: string, attempt: number): void {
    const node = this.plan.nodes.get(stepId)!;
    const key = stepKey(stepId, iteration);
    const controller = new AbortController();
    this.controllers.set(key, controller);
    const report = (result: StepResult) => this.enqueue(async () => {
      this.controllers.delete(key);
      await this.step(stepFinished(this.plan, this.state, result, this.schedulerOptions()));
    });
    const config = resolveConfig(node, () => expressionData(this.state, this.opts.base, { plan: this.plan, step: stepId, iteration }));
    // A step's `timeout` bounds each attempt: the signal aborts (killing its processes) and the
    // attempt fails with a retryable TIMEOUT.
    const limit = node.step.timeout ? parseDuration(node.step.timeout) : undefined;
    let timedOut = false;
    const timer = limit === undefined ? undefined : setTimeout(() => { timedOut = true; controller.abort(new StepTimeout(`timed out after ${node.step.timeout}`)); }, limit);
    void (async () => {
      if (!config.ok) return report({ step: stepId, iteration, attempt, ok: false, error: config.error });
      try {
        const output = await this.opts.invoke({
          node, iteration, attempt, config: config.config, signal: controller.signal,
          idempotencyKey: `${this.opts.runId}:${key}`,
        });
        await report({ step: stepId, iteration, attempt, ok: true, output, input: config.config });
      } catch (err) {
        const error = timedOut
          ? { code: 'TIMEOUT', message: `Step ${stepId} timed out after ${node.step.timeout}.`, retryable: true }
          : (this.opts.toError ?? defaultToError)(err);
        await report({ step: stepId, iteration, attempt, ok: false, error, aborted: controller.signal.aborted && !timedOut, input: config.config });
      } finally {
        if (timer) clearTimeout(timer);
      }
    })();
  }

  /** Stops acting on the run at once (e.g. its lease was lost); running steps are aborted. */
  abandon(reason: Error): void {
    this.stop(reason);
  }

  private stop(err: Error): void {
    if (this.stopped) return;
    this.stopped = err;
    if (this.timer) clearTimeout(this.timer);
    const reason = new RunAbandoned(err.message);
    for (const c of this.controllers.values()) c.abort(reason);
    this.failed(err);
  }
}
