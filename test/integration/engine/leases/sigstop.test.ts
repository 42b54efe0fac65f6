// Leases across two engine processes on PostgreSQL (issue: "SIGSTOP one past its lease, the
// other takes its runs over, and the stopped one's late commit is refused when it wakes").
//
// A starts a run whose first step takes 2.5 s, and is frozen (SIGSTOP) while the step is in
// flight. B, on the same database, claims the run once A's lease has run out, runs the step
// again (attempt 2) and finishes the run. Then A wakes (SIGCONT) with its step's timer overdue:
// it tries to commit the step's result and is refused by the lease fence. The journal shows
// B's work only, and nothing A did after waking.
//
// PostgreSQL only: a process frozen inside a SQLite write transaction holds the file's single
// write lock, so on SQLite a stalled process stalls every writer (docs/engine.md says so).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../helpers/databases.ts';
import { waitFor } from '../../../helpers/wait.ts';
import { killAllWorkers, ledgerText, startWorker, type WorkerEnv } from '../crash/harness.ts';
import { parseLedger } from '../crash/ledger-node.ts';

const LEASE_MS = 1000;
const yaml = `apiVersion: switchyard/v1
id: sleepy
name: Sleepy
steps:
  - { id: slow, type: ledger, with: { ms: 2500, exact: true } }
  - { id: after, type: ledger, needs: [slow], with: { ms: 0 } }
`;

describe('a process frozen past its lease, on postgresql', () => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await freshDatabase('postgresql');
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-sigstop-'));
  });
  afterAll(async () => {
    await killAllWorkers();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses its run to the other process, and its late commit is refused when it wakes', { timeout: 60_000 }, async () => {
    const ledgerFile = path.join(dir, 'ledger.txt');
    const env = (name: string): WorkerEnv => ({ DATA_DIR: path.join(dir, name), DATABASE_URL: database.url, LEDGER_FILE: ledgerFile, LEASE_MS: String(LEASE_MS) });
    const a = await startWorker(env('a'));
    await a.api.workflows.import.mutate({ yaml });
    await a.api.versions.publish.mutate({ workflowId: 'sleepy' });
    const { runId } = await a.api.runs.start.mutate({ workflowId: 'sleepy' });
    const ledger = () => parseLedger(ledgerText(ledgerFile)).filter((l) => l.runId === runId);
    await waitFor(() => ledger().some((l) => l.stepId === 'slow' && l.phase === 'start'), { what: 'the slow step to start in A' });

    a.child.kill('SIGSTOP');
    try {
      const b = await startWorker(env('b'));
      const done = await waitFor(async () => {
        const run = await b.api.runs.get.query({ runId });
        return run.status === 'completed' ? run : undefined;
      }, { what: 'B to take the run over and finish it', timeoutMs: 20_000, intervalMs: 50 });
      expect(done.steps.find((s) => s.stepId === 'slow')?.attempt).toBe(2);
      const before = await b.api.runs.events.query({ runId });

      a.child.kill('SIGCONT');
      // A notices it no longer holds the run: its commit was refused, or its heartbeat found the lease gone.
      await waitFor(() => /lease/i.test(a.output()) && a.output().includes(runId), { what: 'A to report the lost lease', timeoutMs: 15_000 });
      // A's step timer was overdue when it woke; give its finished attempt every chance to land.
      await waitFor(() => ledger().some((l) => l.stepId === 'slow' && l.attempt === 1 && l.phase === 'done'), { what: "A's attempt to finish its work", timeoutMs: 10_000 })
        .catch(() => undefined); // aborted by the lost lease first: also fine
      await a.api.system.health.query().catch(() => undefined); // a round trip to A: its event loop has run since waking

      const after = await b.api.runs.events.query({ runId });
      expect(after).toEqual(before);
      const completions = after.filter((e) => e.type === 'step.completed').map((e) => e.payload as { step: string; attempt: number });
      expect(completions).toEqual([{ ...completions[0], step: 'slow', attempt: 2 }, { ...completions[1], step: 'after', attempt: 1 }]);
      expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
      // `after` ran once, in B: A never got past its lost step.
      expect(ledger().filter((l) => l.stepId === 'after' && l.phase === 'start')).toHaveLength(1);
      await b.stop();
    } finally {
      a.child.kill('SIGCONT');
    }
    await a.stop();
  });
});
