// The crash test (docs/engine.md, promises 1–3). The engine runs in a child process
// (./worker.ts); the test SIGKILLs it at random points while runs of a 50-step workflow with
// parallel branches are under way, restarts it on the same database, and at the end checks,
// against a side-effect ledger that every step attempt appends to (./ledger-node.ts):
//   (a) every run completed;
//   (b) a step that completed never started again: no attempt above the journaled completion
//       ever started, no attempt number started twice, the journal numbers attempts 1, 2, 3 …,
//       the completion records what that attempt produced, and every downstream attempt was
//       given exactly that recorded output;
//   (c) attempts cut short by a kill ran again with the next attempt number — and there were
//       some, so the kills did land mid-step;
//   (d) each journal is dense (seq 1..n = lastSeq) and folding it gives the RunStep rows.
// Kill points are not timed: the test waits until the ledger has grown by a random 1–15 lines.
// CRASH_KILLS (default 20) sets the number of kills on SQLite, CRASH_KILLS_PG (default 8) on
// PostgreSQL; CRASH_SEED replays a sequence of kill points (the seed is printed).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runEventSchema, type RunEvent } from '../../../../engine/run/events.ts';
import { fold } from '../../../../engine/run/reducer.ts';
import { databaseKinds, freshDatabase, type DatabaseKind, type TestDatabase } from '../../../helpers/databases.ts';
import { waitFor } from '../../../helpers/wait.ts';
import { killAllWorkers, ledgerLineCount, ledgerText, seededRandom, startWorker, workflowNeeds, workflowYaml, type Api, type Worker, type WorkerEnv } from './harness.ts';
import { parseLedger, type LedgerLine } from './ledger-node.ts';

const KILLS: Record<DatabaseKind, number> = {
  sqlite: Number(process.env.CRASH_KILLS ?? 20),
  postgresql: Number(process.env.CRASH_KILLS_PG ?? Math.min(8, Number(process.env.CRASH_KILLS ?? 20))),
};
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS_PER_BATCH = 3;
const STEP_MS = 30;
// Short, so a restarted worker claims the killed one's runs on its first recovery tick (it is
// ready ~0.9 s after the kill; the lease ran out 0.5–0.75 s after it).
const LEASE_MS = Number(process.env.CRASH_LEASE_MS ?? 750);
const WORKFLOW = 'crash';
/** No ledger growth for this long while runs are unfinished: the engine is stuck. */
const STALL_MS = 20_000;

interface RunRecord {
  id: string;
  status: string;
  lastSeq: number;
  steps: { stepId: string; status: string; attempt: number; output: unknown }[];
  events: { seq: number; event: RunEvent }[];
}

/** One kill: how far the ledger was and which attempts were between `start` and `done`. */
interface Kill { lines: number; open: { runId: string; stepId: string; attempt: number }[] }

function openAttempts(lines: LedgerLine[]): Kill['open'] {
  const open = new Map<string, Kill['open'][number]>();
  for (const l of lines) {
    const key = `${l.runId} ${l.stepId} ${l.attempt}`;
    if (l.phase === 'start') open.set(key, { runId: l.runId, stepId: l.stepId, attempt: l.attempt });
    else open.delete(key);
  }
  return [...open.values()];
}

async function readRun(api: Api, runId: string): Promise<RunRecord> {
  const run = await api.runs.get.query({ runId });
  const events: RunRecord['events'] = [];
  for (;;) {
    const page = await api.runs.events.query({ runId, afterSeq: events.at(-1)?.seq ?? 0, limit: 1000 });
    events.push(...page.map((e) => ({ seq: e.seq, event: runEventSchema.parse(e.payload) })));
    if (page.length < 1000) break;
  }
  return { id: run.id, status: run.status, lastSeq: run.lastSeq, steps: run.steps, events };
}

const outputToken = (output: unknown): string | undefined => (output as { token?: string } | null)?.token;

/** Every check of (b)–(d) for one run; returns the problems found (empty: all promises kept). */
function checkRun(run: RunRecord, ledger: LedgerLine[], kills: Kill[]): { problems: string[]; reran: number; cut: { beforeWork: number; midWork: number; afterWork: number } } {
  const problems: string[] = [];
  const needs = workflowNeeds();
  const p = (msg: string) => problems.push(`run ${run.id}: ${msg}`);
  const cut = { beforeWork: 0, midWork: 0, afterWork: 0 };
  let reran = 0;

  // (d) The journal is dense and is the truth the rows project.
  const seqs = run.events.map((e) => e.seq);
  if (seqs.some((s, i) => s !== i + 1)) p(`journal is not numbered 1..n: ${seqs.join(',')}`);
  if (run.lastSeq !== run.events.length) p(`lastSeq ${run.lastSeq} but ${run.events.length} events`);
  const types = run.events.map((e) => e.event.type);
  const count = (t: string) => types.filter((x) => x === t).length;
  if (types[0] !== 'run.created' || count('run.created') !== 1) p(`journal does not begin with its one run.created: ${types.slice(0, 3).join(',')}`);
  if (count('run.started') !== 1) p(`${count('run.started')} run.started events`);
  if (types.at(-1) !== 'run.completed' || count('run.completed') !== 1) p(`journal does not end with its one run.completed: …${types.slice(-3).join(',')}`);
  const folded = fold(run.events.map((e) => e.event));
  if (folded.status !== run.status) p(`folded status ${folded.status}, row status ${run.status}`);
  if (run.steps.length !== needs.size) p(`${run.steps.length} step rows, expected ${needs.size}`);
  for (const row of run.steps) {
    const s = folded.steps.get(row.stepId);
    if (s?.status !== row.status || s.attempt !== row.attempt) p(`step ${row.stepId}: row ${row.status}#${row.attempt}, journal fold ${s?.status}#${s?.attempt}`);
  }

  // Per step: the journal's attempts, and the ledger's.
  const completedToken = new Map<string, string | undefined>();
  for (const stepId of needs.keys()) {
    const journal = run.events.filter((e) => 'step' in e.event && e.event.step === stepId);
    const started = journal.filter((e) => e.event.type === 'step.started').map((e) => (e.event as Extract<RunEvent, { type: 'step.started' }>).attempt);
    const completions = journal.filter((e) => e.event.type === 'step.completed');
    const completion = completions[0]?.event as Extract<RunEvent, { type: 'step.completed' }> | undefined;
    if (completions.length !== 1 || !completion) { p(`step ${stepId} has ${completions.length} step.completed events`); continue; }
    const final = completion.attempt;
    completedToken.set(stepId, outputToken(completion.output));
    if (started.some((a, i) => a !== i + 1)) p(`step ${stepId}: journal attempts ${started.join(',')} are not 1, 2, 3 …`);
    if (started.at(-1) !== final) p(`step ${stepId}: completed attempt ${final}, last started ${started.at(-1)}`);
    if (journal.some((e) => e.event.type === 'step.started' && e.seq > completions[0]!.seq)) p(`step ${stepId} was started again after it completed (journal)`);
    if (final > 1) reran++;

    const lines = ledger.filter((l) => l.stepId === stepId);
    const starts = lines.filter((l) => l.phase === 'start').map((l) => l.attempt);
    const dones = lines.filter((l) => l.phase === 'done');
    // (b) Never started again after completing; no attempt number twice.
    if (new Set(starts).size !== starts.length) p(`step ${stepId}: an attempt number started twice (ledger: ${starts.join(',')})`);
    for (const a of starts) if (a > final || a < 1) p(`step ${stepId}: attempt ${a} started, but attempt ${final} had completed (ledger)`);
    for (const a of starts) if (!started.includes(a)) p(`step ${stepId}: attempt ${a} ran without a journaled step.started`);
    // The completing attempt ran once, finished once, and its journaled output is what it produced.
    const finalDone = dones.filter((l) => l.attempt === final);
    if (starts.filter((a) => a === final).length !== 1 || finalDone.length !== 1) p(`step ${stepId}: completed attempt ${final} has ${starts.filter((a) => a === final).length} start and ${finalDone.length} done lines`);
    else if (finalDone[0]!.value !== completedToken.get(stepId)) p(`step ${stepId}: journaled output ${completedToken.get(stepId)} is not what attempt ${final} produced (${finalDone[0]!.value})`);
    for (const d of dones) if (!starts.includes(d.attempt)) p(`step ${stepId}: attempt ${d.attempt} finished without starting`);

    // (c) Every earlier attempt was cut short by a kill, and the step ran again with the next number.
    for (let a = 1; a < final; a++) {
      if (!starts.includes(a)) cut.beforeWork++;
      else if (!dones.some((d) => d.attempt === a)) cut.midWork++;
      else cut.afterWork++;
    }
  }

  // Promise 1's other half: the recorded output is reused. Every attempt of every step was
  // given the journaled output of each step it needs, never that of an unrecorded attempt.
  for (const l of ledger) {
    if (l.phase !== 'start') continue;
    const expected = (needs.get(l.stepId) ?? []).map((n) => completedToken.get(n)).join(',') || '-';
    if (l.value !== expected) p(`step ${l.stepId} attempt ${l.attempt} was given ${l.value}, the journal recorded ${expected}`);
  }

  // Attempts that were open when a kill landed ran again with a higher attempt number.
  for (const k of kills) {
    for (const o of k.open.filter((x) => x.runId === run.id)) {
      const s = folded.steps.get(o.stepId);
      if (!s || s.attempt <= o.attempt) p(`step ${o.stepId} attempt ${o.attempt} was running at a kill (ledger line ${k.lines}) but was not run again`);
    }
  }
  return { problems, reran, cut };
}

describe.each(databaseKinds)('crash test on %s', (kind) => {
  const kills = KILLS[kind];
  let database: TestDatabase | undefined;
  let dir: string | undefined;
  let worker: Worker | undefined;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-crash-'));
  });
  // Never leave a worker behind, whatever happened.
  afterEach(async () => { await killAllWorkers(); });
  afterAll(async () => {
    await killAllWorkers();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`every run completes and no completed step runs again across ${kills} SIGKILLs`, { timeout: 60_000 + kills * 5_000 }, async () => {
    const seed = SEED ^ (kind === 'sqlite' ? 0 : 0x5bd1e995);
    const random = seededRandom(seed);
    const ledgerFile = path.join(dir!, 'ledger.txt');
    const env: WorkerEnv = { DATA_DIR: path.join(dir!, 'data'), DATABASE_URL: database!.url, LEDGER_FILE: ledgerFile, LEASE_MS: String(LEASE_MS) };
    const started = Date.now();
    const outputs: string[] = [];
    const context = () => `seed ${seed} (CRASH_SEED=${SEED}); worker output of the last two generations:\n${[...outputs.slice(-1), worker?.output() ?? ''].join('\n--- restart ---\n')}`;

    worker = await startWorker(env);
    await worker.api.workflows.import.mutate({ yaml: workflowYaml(WORKFLOW, STEP_MS) });
    await worker.api.versions.publish.mutate({ workflowId: WORKFLOW });

    const runIds: string[] = [];
    const startBatch = async () => {
      for (let i = 0; i < RUNS_PER_BATCH; i++) runIds.push((await worker!.api.runs.start.mutate({ workflowId: WORKFLOW })).runId);
    };
    /** True when every run started so far is over; throws if one ended other than completed. */
    const allDone = async () => {
      const statuses = await Promise.all(runIds.map(async (runId) => ({ runId, ...(await worker!.api.runs.get.query({ runId })) })));
      const bad = statuses.find((r) => r.status === 'failed' || r.status === 'cancelled');
      if (bad) throw new Error(`run ${bad.runId} ended ${bad.status}: ${JSON.stringify(bad.error)}\n${context()}`);
      return statuses.every((r) => r.status === 'completed');
    };
    await startBatch();

    const killed: Kill[] = [];
    for (let k = 0; k < kills; k++) {
      // Kill once the ledger has grown by a random 1–15 lines: a random point in the runs. A
      // restarted worker first re-starts the attempts the last kill cut short, all at once; those
      // `start` lines are not counted, or most kills would land in that burst, on the same steps.
      const burst = killed.at(-1)?.open.length ?? 0;
      const target = ledgerLineCount(ledgerFile) + burst + 1 + Math.floor(random() * 15);
      let lastLines = -1;
      let lastGrowth = Date.now();
      let lastCheck = 0;
      for (;;) {
        const lines = ledgerLineCount(ledgerFile);
        if (lines >= target) break;
        if (lines !== lastLines) { lastLines = lines; lastGrowth = Date.now(); }
        const quiet = Date.now() - lastGrowth;
        // Quiet for a while: either every run is over (start more, so later kills still land
        // mid-run) or the engine is stuck.
        if (quiet > 1500 && Date.now() - lastCheck > 500) {
          lastCheck = Date.now();
          if (await allDone()) { await startBatch(); lastGrowth = Date.now(); continue; }
        }
        if (quiet > STALL_MS) throw new Error(`no ledger growth for ${STALL_MS} ms before kill ${k + 1} with runs unfinished\n${context()}`);
        await new Promise((r) => setTimeout(r, 2));
      }
      await worker.kill();
      // Attempts cut by earlier kills never get a `done` line: only the new ones were running now.
      const cutBefore = new Set(killed.flatMap((x) => x.open.map((o) => `${o.runId} ${o.stepId} ${o.attempt}`)));
      const open = openAttempts(parseLedger(ledgerText(ledgerFile))).filter((o) => !cutBefore.has(`${o.runId} ${o.stepId} ${o.attempt}`));
      killed.push({ lines: ledgerLineCount(ledgerFile), open });
      outputs.push(worker.output());
      worker = await startWorker(env);
    }

    await waitFor(() => allDone(), { timeoutMs: 60_000, intervalMs: 100, what: `all ${runIds.length} runs to complete` })
      .catch((err: unknown) => { throw new Error(`${(err as Error).message}\n${context()}`); });
    const runs = await Promise.all(runIds.map((id) => readRun(worker!.api, id)));
    const listed = await worker.api.runs.list.query({ workflowId: WORKFLOW, limit: 200 });
    await worker.stop();
    const ledger = parseLedger(ledgerText(ledgerFile));

    // (a) Every run completed; the database holds no run but those, the ledger no step but theirs.
    expect(runs.map((r) => r.status)).toEqual(runIds.map(() => 'completed'));
    expect(listed.map((r) => r.id).sort()).toEqual([...runIds].sort());
    expect(ledger.filter((l) => !runIds.includes(l.runId))).toEqual([]);

    // (b)–(d), collected so a failure reports every broken promise at once.
    const problems: string[] = [];
    let reran = 0;
    const cut = { beforeWork: 0, midWork: 0, afterWork: 0 };
    for (const run of runs) {
      const r = checkRun(run, ledger.filter((l) => l.runId === run.id), killed);
      problems.push(...r.problems);
      reran += r.reran;
      for (const k of Object.keys(cut) as (keyof typeof cut)[]) cut[k] += r.cut[k];
    }
    const midStepKills = killed.filter((k) => k.open.length > 0).length;
    console.log(`[crash ${kind}] seed ${seed}: ${kills} kills (${midStepKills} with a step attempt between start and done), ${runIds.length} runs, ` +
      `${ledger.length} ledger lines, ${reran} steps re-ran; cut attempts: ${cut.beforeWork} before work, ${cut.midWork} mid-work, ${cut.afterWork} after work before the journal; ${Date.now() - started} ms`);
    expect(problems, `seed ${seed}`).toEqual([]);
    // (c) The kills landed mid-step, and what they cut short ran again.
    if (kills >= 5) {
      expect(midStepKills).toBeGreaterThan(0);
      expect(reran).toBeGreaterThan(0);
      expect(cut.midWork).toBeGreaterThan(0);
    }
  });
});
