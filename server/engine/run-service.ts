// Runs on this server: starting them, executing them durably, recovering them after a crash.
//
// A process executes a run only while it holds the run's lease (Run.leaseOwner/leaseUntil),
// renewed by a heartbeat; every journal append is fenced by that lease (journal-store.ts), so a
// process that stalled past its lease cannot commit anything. Runs whose lease is free or
// expired — after a crash or restart — are claimed by the recovery loop, rebuilt from their
// journal and continued (engine/run/scheduler.ts `recover`).
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../../engine/errors.ts';
import type { NodeRegistry, NodeRunner } from '../../engine/nodes/define-node.ts';
import { runEventSchema, type RunEvent } from '../../engine/run/events.ts';
import { RunExecutor, type StepInvocation } from '../../engine/run/executor.ts';
import { PlanError, type RunPlan } from '../../engine/run/plan.ts';
import { GateNotWaitingError } from '../../engine/run/scheduler.ts';
import { fold } from '../../engine/run/reducer.ts';
import { reusedResults } from '../../engine/run/lineage.ts';
import { coerceInputs, inputsSchema } from '../../engine/workflow/inputs.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { rowChanges } from './event-rows.ts';
import { createSubworkflows } from './subworkflows.ts';
import { createMasker, maskValue, type Masker } from '../secrets/masker.ts';
import { createStepLogs } from './step-logs.ts';
import { createCircuitBreakers } from './circuit-breaker.ts';
import { createPlanCache } from './plan-cache.ts';
import { createStepAttempts } from './step-attempts.ts';
import { createAdmission, groupPolicy, SLOT_STATUSES } from './admission.ts';
import { createRunCommands, type RunCommand } from './run-commands.ts';
import { createNodeContexts, type SecretStore } from './node-context/index.ts';
import { LeaseLostError, type AppendedEvent, type JournalStore } from './journal-types.ts';

export interface RunServiceOptions {
  db: Db;
  /** Runs get DATA_DIR/runs/<runId>/workspace. */
  dataDir: string;
  journal: JournalStore;
  registry: NodeRegistry;
  runners: Iterable<NodeRunner>;
  log: Logger;
  leaseMs?: number;
  /** How often to look for runs to recover. */
  recoverEveryMs?: number;
  maxParallelPerRun?: number;
  /** Runs this process executes at once; more wait queued for any process with room. */
  maxActiveRuns?: number;
  /** Which SQL dialect concurrency-group admission speaks. */
  provider?: 'sqlite' | 'postgresql';
  /** Cap per stream of one step instance's log files. */
  stepLogMaxBytes?: number;
  /** How often the lease holder looks for control requests left by other processes. */
  commandPollMs?: number;
  /** Where ctx.secret looks, what `${{ secrets.NAME }}` reads and what gets masked; default: none. */
  secrets?: RunSecrets;
  /** Between SIGTERM and SIGKILL of an aborted step's processes (default 2 s). */
  killGraceMs?: number;
}

/** Secrets as runs use them: by name for ctx.secret, as a live view for templates, and the
 *  masker for what leaves the server (journal, step logs, outputs). */
export interface RunSecrets extends SecretStore {
  values?: Record<string, string>;
  masker?(): Masker;
}

/** Published for every journaled event, after it is durable. */
export interface PublishedEvent { runId: string; seq: number; type: string; payload: unknown; at: string }

export interface StartInput {
  workflowId: string;
  version?: number;
  inputs?: Record<string, unknown>;
  trigger?: string;
  startedById?: string;
  /** Same key (per workflow) → same run: a retried request does not start a second run. */
  idempotencyKey?: string;
}

export interface StartedRun { runId: string; number: number; version: number; existing?: boolean }

interface VersionRef { id: string; number: number }

interface CreateRunSpec {
  workflowId: string;
  version: VersionRef;
  plan: RunPlan;
  inputs: Record<string, unknown>;
  trigger?: string;
  startedById?: string;
  idempotencyKey?: string;
  lineage?: { origin: 'retry' | 'rerun' | 'fork'; sourceRunId: string; sourceStep?: string };
  parent?: { runId: string; stepKey: string };
  reused?: RunEvent[];
}

const ACTIVE_STATUSES = [...SLOT_STATUSES];

/** Whether run x was created after run y: createdAt, then id for runs of the same millisecond. */
const newerRun = (x: { id: string; createdAt: Date }, y: { id: string; createdAt: Date }): boolean =>
  x.createdAt.getTime() > y.createdAt.getTime() || (x.createdAt.getTime() === y.createdAt.getTime() && x.id > y.id);
const FINISHED = new Set(['completed', 'failed', 'cancelled']);
/** Statuses of runs that have not started: waiting for their group, or for a process with room. */
const UNSTARTED = ['pending', 'queued'];

export function createRunService(opts: RunServiceOptions) {
  const owner = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? 30_000;
  const maxActiveRuns = opts.maxActiveRuns ?? 50;
  // In-process bus: 'event' (each journaled event, once durable), 'log' (step output chunks),
  // 'emitted' (ctx.emit, for event triggers: node-context/index.ts EmittedEvent).
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const breakers = createCircuitBreakers(opts.db);
  const stepLogs = createStepLogs({ dataDir: opts.dataDir, maxBytes: opts.stepLogMaxBytes ?? 10 * 1024 * 1024, bus, log: opts.log.child('step-logs') });
  const contexts = createNodeContexts({ dataDir: opts.dataDir, secrets: opts.secrets ?? { get: () => undefined }, bus, killGraceMs: opts.killGraceMs });
  const active = new Map<string, RunExecutor>();
  const log = opts.log;
  let heartbeat: NodeJS.Timeout | undefined;
  /** Whether this process takes over any unfinished run (a server) or only its own (the CLI). */
  let recovering = false;
  let recovery: NodeJS.Timeout | undefined;
  let closed = false;

  function publish(events: AppendedEvent[]): void {
    for (const e of events) bus.emit('event', { runId: e.runId, seq: e.seq, type: e.type, payload: e.payload, at: e.at.toISOString() } satisfies PublishedEvent);
  }

  const noSecrets = createMasker([]);
  const masker = () => opts.secrets?.masker?.() ?? noSecrets;

  async function append(runId: string, events: RunEvent[]): Promise<void> {
    // A secret's value never reaches the journal (a step's input is its config, templates
    // resolved; an error message may quote what the step saw).
    const m = masker();
    if (!m.empty) events = events.map((e) => maskValue(m, e));
    const appended = await opts.journal.append({ runId, owner, events: events.map((e) => ({ type: e.type, payload: e })), ...rowChanges(events, new Date()) });
    publish(appended);
  }

  const attempts = createStepAttempts({ dataDir: opts.dataDir, runners: opts.runners, breakers, stepLogs, contexts, masker, log });
  const invoke = (runId: string, inv: StepInvocation): Promise<unknown> =>
    inv.node.def.type === 'subworkflow' ? subworkflows.run(runId, inv) : attempts.run(runId, inv);

  const planFor = createPlanCache(opts.db, opts.registry);

  function execute(runId: string, plan: RunPlan, events: RunEvent[], recovering: boolean, number: number): void {
    const executor = new RunExecutor(plan, fold(events), {
      runId,
      journal: { append: (e) => append(runId, e) },
      invoke: (inv) => invoke(runId, inv),
      maxParallel: opts.maxParallelPerRun,
      base: { run: { id: runId, number, workflow: plan.workflow.id }, ...(opts.secrets?.values ? { secrets: opts.secrets.values } : {}) },
    });
    active.set(runId, executor);
    executor.start({ recovering }).then(
      async (state) => {
        if (active.get(runId) === executor) active.delete(runId);
        attempts.forget(runId);
        log.info('run finished', { runId, status: state.status });
        await opts.journal.release(owner, runId).catch(() => undefined);
        await commands.forget(runId).catch(() => undefined);
        // A slot freed: this process may take a queued run, and the run's group may admit one.
        kick();
      },
      (err: unknown) => {
        // Another executor may hold the run by now (lost, then claimed back): leave it be.
        if (active.get(runId) === executor) active.delete(runId);
        if (!closed) log.warn('run abandoned by this process', { runId, error: err });
      },
    );
  }

  async function recover(): Promise<void> {
    if (closed) return;
    const room = maxActiveRuns - active.size;
    if (room <= 0) return;
    const claimed = await opts.journal.claim(owner, { statuses: ACTIVE_STATUSES, limit: Math.min(50, room), leaseMs });
    for (const runId of claimed) await continueClaimed(runId);
  }

  /** Executes a run this process has just claimed, rebuilt from its journal. */
  async function continueClaimed(runId: string): Promise<void> {
    const stale = active.get(runId);
    if (stale) {
      // Our lease lapsed before the heartbeat noticed, and we claimed the run back. Someone
      // else may have executed it meanwhile, so the executor's memory cannot be trusted:
      // rebuild from the journal like any recovered run.
      log.warn('claimed back a run whose lease had lapsed; rebuilding it from the journal', { runId });
      stale.abandon(new Error('lease lapsed'));
      active.delete(runId);
    }
    try {
      const run = await opts.db.run.findUnique({ where: { id: runId }, select: { versionId: true, number: true, inputs: true } });
      if (!run) return;
      const events = await journalOf(runId);
      if (events.length === 0) {
        // The process that created the row died before journaling run.created (start() writes
        // the row, then the first event). The row holds the run's intent: journal it now.
        const created: RunEvent = { type: 'run.created', versionId: run.versionId, inputs: (run.inputs ?? {}) as Record<string, unknown>, vars: {} };
        await append(runId, [created]);
        events.push(created);
      }
      events.push(...await applyWaitingCommands(runId, events));
      log.info('recovering run', { runId, events: events.length });
      execute(runId, await planFor(run.versionId), events, true, run.number);
      // Gate decisions that were waiting too: through the executor, now rather than at the next poll.
      commands.poll().catch((err: unknown) => log.error('run command poll failed', { error: err }));
    } catch (err) {
      log.error('could not recover run', { runId, error: err });
    }
  }

  /**
   * Control requests left for a run before this process claimed it — for a holder that died or
   * lost its lease before applying them — journaled before the run goes on, so a cancelled run
   * does not start its in-flight steps again, nor a paused one new steps. The leading pauses,
   * resumes and cancels only: from the first gate decision on, they go through the executor,
   * in order. Returns the events journaled.
   */
  async function applyWaitingCommands(runId: string, journal: RunEvent[]): Promise<RunEvent[]> {
    const waiting = await commands.waiting(runId);
    const events: RunEvent[] = [];
    const ids: number[] = [];
    for (const { id, command } of waiting) {
      if (command.type === 'decide') break;
      ids.push(id);
      if (command.type === 'pause') events.push({ type: 'run.paused', by: command.by });
      else if (command.type === 'resume') events.push({ type: 'run.resumed', by: command.by });
      else events.push({ type: 'run.cancel_requested', by: command.by, reason: command.reason });
    }
    if (!ids.length) return [];
    if (FINISHED.has(fold(journal).status)) { await commands.applied(ids); return []; } // moot
    log.info('applying control requests left for the run', { runId, commands: events.map((e) => e.type) });
    await append(runId, events);
    await commands.applied(ids);
    return events;
  }

  async function renew(): Promise<void> {
    const held = [...active.keys()];
    if (!held.length) return;
    for (const lost of await opts.journal.renew(owner, held, leaseMs)) {
      log.warn('lost the lease on a run; another process will continue it', { runId: lost });
      active.get(lost)?.abandon(new Error('lease lost'));
      active.delete(lost);
    }
  }

  async function journalOf(runId: string): Promise<RunEvent[]> {
    return (await opts.journal.read(runId)).map((e) => runEventSchema.parse(e.payload));
  }

  async function resolveVersion(workflowId: string, number?: number): Promise<VersionRef> {
    const version = await opts.db.workflowVersion.findFirst({
      where: { workflowId, ...(number ? { number } : {}) }, orderBy: { number: 'desc' }, select: { id: true, number: true },
    });
    if (version) return version;
    // An unknown workflow is not found (the CLI exits 2 and the API answers NOT_FOUND); a
    // known one without versions is a mistake its author can fix.
    if (!(await opts.db.workflow.findUnique({ where: { id: workflowId }, select: { id: true } }))) throw new NotFoundError('Workflow', workflowId);
    throw number
      ? new NotFoundError('Version', `${workflowId}@${number}`)
      : new ValidationError(`Workflow "${workflowId}" has no published version yet: publish it, then run it.`, { workflowId });
  }

  async function planForStart(versionId: string, workflowId: string): Promise<RunPlan> {
    try { return await planFor(versionId); } catch (err) {
      if (err instanceof PlanError) throw new ValidationError(err.message, { workflowId });
      throw err;
    }
  }

  function validInputs(plan: RunPlan, raw: Record<string, unknown>): Record<string, unknown> {
    const parsed = inputsSchema(plan.workflow).safeParse(coerceInputs(plan.workflow, raw));
    if (parsed.success) return parsed.data as Record<string, unknown>;
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(inputs)'}: ${i.message}`);
    throw new ValidationError(`The run's inputs are not valid: ${problems.join('; ')}`, { issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) });
  }

  async function sourceRun(runId: string) {
    const run = await opts.db.run.findUnique({ where: { id: runId }, select: { id: true, number: true, status: true, workflowId: true, versionId: true, inputs: true, version: { select: { id: true, number: true } } } });
    if (!run) throw new NotFoundError('Run', runId);
    return { ...run, inputs: (run.inputs ?? {}) as Record<string, unknown> };
  }

  async function findByIdempotencyKey(workflowId: string, key: string): Promise<StartedRun | undefined> {
    const run = await opts.db.run.findUnique({ where: { workflowId_idempotencyKey: { workflowId, idempotencyKey: key } }, select: { id: true, number: true, version: { select: { number: true } } } });
    return run ? { runId: run.id, number: run.number, version: run.version.number, existing: true } : undefined;
  }

  /** Writes the run row, journals run.created (and any reused results), and executes it. */
  async function createRun(spec: CreateRunSpec): Promise<StartedRun> {
    const group = groupPolicy(spec.plan, spec.inputs);
    const { lastRunNumber: number } = await opts.db.workflow.update({ where: { id: spec.workflowId }, data: { lastRunNumber: { increment: 1 } }, select: { lastRunNumber: true } });
    let run: { id: string; number: number; createdAt: Date };
    const status = group ? 'pending' : 'queued';
    try {
      run = await opts.db.run.create({
        data: {
          workflowId: spec.workflowId, versionId: spec.version.id, number, status, concurrencyKey: group?.key, inputs: spec.inputs as never, // plain JSON, checked by the inputs schema
          // A provisional lease by this process's clock, so nobody takes the run while it is
          // being created; re-timed by the store's clock just below.
          trigger: spec.trigger ?? 'manual', startedById: spec.startedById, leaseOwner: owner, leaseUntil: new Date(Date.now() + leaseMs),
          idempotencyKey: spec.idempotencyKey, origin: spec.lineage?.origin ?? 'new', sourceRunId: spec.lineage?.sourceRunId, sourceStep: spec.lineage?.sourceStep,
          parentRunId: spec.parent?.runId, parentStepKey: spec.parent?.stepKey,
        },
        select: { id: true, number: true, createdAt: true },
      });
    } catch (err) {
      // A concurrent start with the same idempotency key (or a parent step that raced with
      // itself) won: that run is the answer. (The number taken here is skipped.)
      if ((err as { code?: string }).code !== 'P2002') throw err;
      const winner = spec.idempotencyKey ? await findByIdempotencyKey(spec.workflowId, spec.idempotencyKey) : undefined;
      if (winner) return winner;
      const child = spec.parent && await opts.db.run.findUnique({ where: { parentRunId_parentStepKey: { parentRunId: spec.parent.runId, parentStepKey: spec.parent.stepKey } }, select: { id: true, number: true } });
      if (child) return { runId: child.id, number: child.number, version: spec.version.number, existing: true };
      throw err;
    }
    // The lease is timed by the database's clock: by this process's clock alone, a process
    // running behind the database would hold a lease that is expired already (its first
    // append refused), one running ahead a lease nobody could take over for as long.
    if (!(await opts.journal.claim(owner, { statuses: [status], runIds: [run.id], limit: 1, leaseMs, own: true })).length) {
      // Only if this clock is so far behind that the provisional lease looked expired and
      // another process claimed the run meanwhile: it journals run.created from the row.
      log.warn('a run was taken over while it was being created; is this machine\'s clock behind the database\'s?', { runId: run.id });
      return { runId: run.id, number: run.number, version: spec.version.number };
    }
    // Its place in its group's order, by the database's clock too (admission.ts stamp). Before
    // this, another newcomer's supersede may see the provisional stamp: the ids break no tie
    // there, but a skew only matters within that instant.
    if (group) run.createdAt = await admission.stamp(run.id);
    const created: RunEvent = { type: 'run.created', versionId: spec.version.id, inputs: spec.inputs, vars: {} };
    const first = [created, ...(spec.reused ?? [])];
    await append(run.id, first);
    if (!group && active.size < maxActiveRuns) {
      execute(run.id, spec.plan, first, false, run.number);
    } else {
      // It waits: for its group to admit it (pending), or for a process with room (queued).
      await opts.journal.release(owner, run.id);
      if (group?.mode === 'cancel_in_progress') await supersede(group.key, run);
      kick();
    }
    return { runId: run.id, number: run.number, version: spec.version.number };
  }

  /**
   * cancel_in_progress: the newcomer cancels the group's older runs, started or not. "Older" is
   * one total order every process agrees on — createdAt, then id (as admission orders them) —
   * so runs created in the same millisecond never cancel each other. A run newer than the
   * newcomer (created meanwhile, or in the same millisecond with a greater id) supersedes it:
   * the newcomer cancels itself, in case that run looked before the newcomer's row existed.
   */
  async function supersede(key: string, newcomer: { id: string; number: number; createdAt: Date }): Promise<void> {
    let newest: { id: string; number: number; createdAt: Date } | undefined;
    const cancel = (runId: string, by: { number: number }) => cancelRun(runId, 'concurrency group', `superseded by run #${by.number}`)
      .catch((err: unknown) => log.warn('could not cancel a superseded run', { runId, error: err }));
    for (const other of await admission.supersededBy(key, newcomer.id)) {
      if (newerRun(other, newcomer)) { if (!newest || newerRun(other, newest)) newest = other; } else await cancel(other.id, newcomer);
    }
    if (newest) await cancel(newcomer.id, newest);
  }

  /** Admits what the groups have room for; true when anything was admitted. */
  async function admitPending(): Promise<boolean> {
    // A pending run whose creator died before letting go of it is let go of here.
    await admission.releaseAbandoned();
    let admitted = false;
    for (const { key, versionId } of await admission.pendingGroups()) {
      const limit = (await planFor(versionId).catch(() => undefined))?.workflow.concurrency?.limit ?? 1;
      while (await admission.admitOne(key, limit)) admitted = true;
    }
    return admitted;
  }

  /**
   * Cancels a run that never started — pending in its group, or queued for a process with room
   * (a run that started is never queued again) — if nobody holds it: nobody executes it, so we
   * journal it, at once rather than when a slot frees. False when another process holds it.
   */
  async function cancelUnstarted(runId: string, by?: string, reason?: string): Promise<boolean> {
    // Taken like any claim, its lease checked and timed by the database's clock.
    if (!(await opts.journal.claim(owner, { statuses: UNSTARTED, runIds: [runId], limit: 1, leaseMs })).length) return false;
    try {
      await append(runId, [{ type: 'run.cancel_requested', by, reason }, { type: 'run.cancelled', reason }]);
    } finally {
      await opts.journal.release(owner, runId).catch(() => undefined);
    }
    await commands.forget(runId).catch(() => undefined);
    kick(); // its group's slot (a queued run holds one) is free
    return true;
  }

  /**
   * Cancels left for runs that nobody executes — stored because the run was held when the
   * cancel came (by its creator, mid-start) — are applied here, without waiting for a slot.
   */
  async function cancelUnstartedLeftovers(): Promise<void> {
    const rows = await opts.db.runCommand.findMany({
      where: { type: 'cancel', run: { status: { in: UNSTARTED } } }, orderBy: { id: 'asc' }, take: 50, select: { runId: true, payload: true },
    });
    for (const row of rows) {
      const { by, reason } = row.payload as { by?: string; reason?: string };
      await cancelUnstarted(row.runId, by, reason);
    }
  }

  /** Applies a control request here if this process executes the run, else leaves it for the one that does. */
  async function controlRun(runId: string, command: RunCommand): Promise<void> {
    const executor = active.get(runId);
    if (executor && await applyHere(executor, command)) return;
    const run = await opts.db.run.findUnique({ where: { id: runId }, select: { status: true, number: true } });
    if (!run) throw new NotFoundError('Run', runId);
    if (FINISHED.has(run.status)) throw new ConflictError(`Run #${run.number} has already ${run.status === 'cancelled' ? 'been cancelled' : run.status}.`, { runId, status: run.status });
    if (command.type === 'cancel' && (run.status === 'pending' || run.status === 'queued') && await cancelUnstarted(runId, command.by, command.reason)) return;
    if (run.status === 'pending' && command.type !== 'cancel') throw new ConflictError(`Run #${run.number} is waiting for its concurrency group and has not started: it can only be cancelled.`, { runId });
    await commands.send(runId, command);
  }

  /**
   * Applies a command through this process's executor; false when it could not because the
   * executor stopped acting on the run (its lease was lost) — the command was not applied here.
   */
  async function applyHere(executor: RunExecutor, command: RunCommand): Promise<boolean> {
    try {
      await applyCommand(executor, command);
    } catch (err) {
      if (err instanceof LeaseLostError || executor.abandoned) return false;
      throw err;
    }
    return !executor.abandoned;
  }

  async function applyCommand(executor: RunExecutor, command: RunCommand): Promise<void> {
    switch (command.type) {
      case 'pause': return executor.pause(command.by);
      case 'resume': return executor.resume(command.by);
      case 'cancel': return executor.cancel(command.by, command.reason);
      case 'decide': return executor.decideGate(command.step, command.decision, command.by, command.comment, command.iteration);
    }
  }

  const cancelRun = (runId: string, by?: string, reason?: string) => controlRun(runId, { type: 'cancel', by, reason });

  const admission = createAdmission(opts.db, opts.provider ?? 'sqlite');
  const commands = createRunCommands(opts.db, log, {
    held: () => [...active.keys()],
    apply: async (runId, command) => { const executor = active.get(runId); return executor ? applyHere(executor, command) : false; },
  }, opts.commandPollMs);

  let kicked = false;
  /** Admission and claiming now, rather than at the next tick (coalesced). */
  function kick(): void {
    if (kicked || closed) return;
    kicked = true;
    setImmediate(() => {
      kicked = false;
      tick().catch((err: unknown) => log.error('recovery failed', { error: err }));
    });
  }

  async function tick(): Promise<void> {
    if (closed) return;
    await cancelUnstartedLeftovers();
    await admitPending();
    if (recovering) await recover();
  }

  const subworkflows = createSubworkflows({
    db: opts.db, bus, log,
    startChild: async (c) => {
      const version = await resolveVersion(c.workflowId, c.version);
      const plan = await planForStart(version.id, c.workflowId);
      return createRun({ workflowId: c.workflowId, version, plan, inputs: validInputs(plan, c.inputs), parent: c.parent, trigger: 'parent' });
    },
    cancel: (runId, reason) => cancelRun(runId, 'parent run', reason),
  });

  return {
    owner,
    bus,
    logs: stepLogs,
    breakers,

    /** Begins recovering unfinished runs and renewing leases. */
    /**
     * Renews leases and applies control requests; with `recover` (default), also takes over
     * unfinished and queued runs of any process. The CLI runs without it: it executes only
     * the runs it starts or adopts.
     */
    startBackground({ recover: takeOver = true }: { recover?: boolean } = {}): void {
      recovering = takeOver;
      const run = () => { tick().catch((err: unknown) => log.error('recovery failed', { error: err })); };
      run();
      // Claiming is cheap (one indexed statement): a queued run waits about a second at most.
      recovery = setInterval(run, opts.recoverEveryMs ?? Math.min(1000, leaseMs / 2));
      commands.start();
      heartbeat = setInterval(() => { renew().catch((err: unknown) => log.error('lease renewal failed', { error: err })); }, Math.max(250, leaseMs / 3));
      recovery.unref();
      heartbeat.unref();
    },

    /**
     * Starts a run of the latest published version (or `version`). With an idempotencyKey, a
     * second call with the same key returns the first run instead of starting another.
     */
    async start(input: StartInput): Promise<StartedRun> {
      if (input.idempotencyKey) {
        const existing = await findByIdempotencyKey(input.workflowId, input.idempotencyKey);
        if (existing) return existing;
      }
      const version = await resolveVersion(input.workflowId, input.version);
      const plan = await planForStart(version.id, input.workflowId);
      return createRun({ ...input, version, plan, inputs: validInputs(plan, input.inputs ?? {}) });
    },

    /** A new run of a failed or cancelled run's version and inputs that keeps every completed step's result. */
    async retry(runId: string, startedById?: string): Promise<StartedRun> {
      const src = await sourceRun(runId);
      if (src.status !== 'failed' && src.status !== 'cancelled') {
        throw new ConflictError(`Run #${src.number} is ${src.status}: only a failed or cancelled run can be retried. Re-run it to start over with the same inputs.`, { runId });
      }
      const plan = await planFor(src.versionId);
      const reused = reusedResults(plan, fold(await journalOf(runId)), runId, { kind: 'retry' });
      return createRun({ workflowId: src.workflowId, version: src.version, plan, inputs: src.inputs, startedById, lineage: { origin: 'retry', sourceRunId: runId }, reused });
    },

    /** A fresh run of the same version with the same inputs. */
    async rerun(runId: string, startedById?: string): Promise<StartedRun> {
      const src = await sourceRun(runId);
      const plan = await planFor(src.versionId);
      return createRun({ workflowId: src.workflowId, version: src.version, plan, inputs: src.inputs, startedById, lineage: { origin: 'rerun', sourceRunId: runId } });
    },

    /**
     * A new run from `step` of an earlier run: everything upstream of the step keeps its
     * recorded result (optionally edited), the step and everything else runs for real.
     * `version` runs another version of the workflow (default: the earlier run's).
     */
    async fork(input: { runId: string; step: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; version?: number; startedById?: string }): Promise<StartedRun> {
      const src = await sourceRun(input.runId);
      const version = input.version ? await resolveVersion(src.workflowId, input.version) : src.version;
      const plan = await planForStart(version.id, src.workflowId);
      const inputs = validInputs(plan, { ...src.inputs, ...input.inputs });
      const reused = reusedResults(plan, fold(await journalOf(input.runId)), input.runId, { kind: 'fork', step: input.step, outputs: input.outputs });
      return createRun({ workflowId: src.workflowId, version, plan, inputs, startedById: input.startedById, lineage: { origin: 'fork', sourceRunId: input.runId, sourceStep: input.step }, reused });
    },

    /**
     * Approves or rejects a waiting gate. (Who may decide is checked by the caller.) For a run
     * executed by another process the decision is handed over and applied there.
     */
    /** Who may decide a gate of a run: its approvers, and once it escalated its escalate_to. */
    async gateApprovers(runId: string, step: string, iteration?: string): Promise<string[] | undefined> {
      const run = await opts.db.run.findUnique({ where: { id: runId }, select: { versionId: true } });
      if (!run) throw new NotFoundError('Run', runId);
      const node = (await planFor(run.versionId)).nodes.get(step);
      if (node?.def.type !== 'gate') return undefined;
      const config = (node.step.with ?? {}) as { approvers?: string[]; escalate_to?: string[] };
      const state = fold(await journalOf(runId));
      const waiting = [...state.steps.values()].filter((s) => s.step === step && s.status === 'waiting' && (iteration === undefined || s.iteration === iteration));
      const escalated = waiting.some((s) => s.waitReason === 'escalated');
      return [...(config.approvers ?? []), ...(escalated ? config.escalate_to ?? [] : [])];
    },

    async decideGate(runId: string, step: string, decision: 'approve' | 'reject', by: string, comment?: string, iteration?: string): Promise<void> {
      try {
        await controlRun(runId, { type: 'decide', step, iteration, decision, by, comment });
      } catch (err) {
        if (err instanceof GateNotWaitingError) throw new ConflictError(`${err.message} It may have been decided already, or timed out.`, { runId, step });
        throw err;
      }
    },

    pause: (runId: string, by?: string) => controlRun(runId, { type: 'pause', by }),
    resume: (runId: string, by?: string) => controlRun(runId, { type: 'resume', by }),
    cancel: cancelRun,

    /** Resolves when the run is over (or no longer executed here). */
    async waitFor(runId: string) {
      const executor = active.get(runId);
      if (executor) await executor.finished.catch(() => undefined);
      return opts.db.run.findUnique({ where: { id: runId }, select: { status: true } });
    },

    isActive: (runId: string) => active.has(runId),

    /**
     * Takes over one run if nobody holds it (its process died, or it waits queued), and
     * executes it here. False when another process holds it, it is pending in its group, or
     * it has ended.
     */
    async adopt(runId: string): Promise<boolean> {
      if (active.has(runId)) return true;
      if (closed || active.size >= maxActiveRuns) return false;
      // The store decides whether the lease is free or expired, by the database's clock: by
      // this process's clock, one running ahead would take a run another process holds.
      if (!(await opts.journal.claim(owner, { statuses: ACTIVE_STATUSES, runIds: [runId], limit: 1, leaseMs })).length) return false;
      await continueClaimed(runId);
      return active.has(runId);
    },

    async close(): Promise<void> {
      closed = true;
      commands.stop();
      if (heartbeat) clearInterval(heartbeat);
      if (recovery) clearInterval(recovery);
      // Running steps are aborted; the runs stay unfinished in the journal and are recovered
      // (their in-flight steps run again) by whichever process starts next.
      for (const [runId, executor] of active) {
        executor.abandon(new Error('server shutting down'));
        await opts.journal.release(owner, runId).catch(() => undefined);
      }
      active.clear();
      // Aborting sent SIGTERM to every step's process group; wait (at most the kill grace
      // period) for them to die so that none outlives the server.
      await contexts.drain();
      // What aborted steps printed last reaches their log files before the process exits.
      await stepLogs.closeAll();
    },
  };
}

export type RunService = ReturnType<typeof createRunService>;
