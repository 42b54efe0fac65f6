// The engine's own costs.
//  (a) Per-step overhead in memory: a chain of trivial steps through the real scheduler and
//      executor with an in-memory journal, against the event-loop floor (one setImmediate per
//      step). Aim: at most 5× the floor (ratio ≥ 0.2).
//  (c) 40 sequential durable trivial steps through the whole server path (run service,
//      lease-fenced journal store, SQLite WAL + NORMAL): wall time from start to completion,
//      against 40 raw single-row commits on the same kind of database. Aim: ≤ 100 ms.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvent } from '../engine/run/events.ts';
import { RunExecutor } from '../engine/run/executor.ts';
import { buildPlan } from '../engine/run/plan.ts';
import { fold } from '../engine/run/reducer.ts';
import { loadWorkflowYaml } from '../engine/workflow/load.ts';
import { createSwitchyard } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { silentLogger } from '../server/logger.ts';
import { testRegistry } from '../test/helpers/test-nodes.ts';
import { testRunners } from '../test/helpers/test-runners.ts';
import { pairedRatio, runSuite, type BenchCase } from './harness.ts';

const registry = testRegistry();

function chainYaml(id: string, n: number): string {
  const steps = Array.from({ length: n }, (_, i) => `  - { id: s${i}, type: echo${i ? `, needs: [s${i - 1}]` : ''} }`).join('\n');
  return `apiVersion: switchyard/v1\nid: ${id}\nname: ${id}\nsteps:\n${steps}\n`;
}

async function inMemoryOverhead(ops: number): Promise<void> {
  const CHAIN = 100;
  const loaded = loadWorkflowYaml(chainYaml('chain', CHAIN), registry);
  const plan = buildPlan(loaded.workflow!, registry);
  const runChain = async () => {
    const created: RunEvent[] = [{ type: 'run.created', versionId: 'v', inputs: {}, vars: {} }];
    const executor = new RunExecutor(plan, fold(created), { runId: 'r', journal: { append: async () => {} }, invoke: async () => ({}) });
    await executor.start();
  };
  const floor: BenchCase = { name: 'floor: one setImmediate per step', async run(n) { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); } };
  const engine: BenchCase = { name: `scheduler + executor, ${CHAIN}-step chain`, async run(n) { for (let i = 0; i < n; i += CHAIN) await runChain(); } };
  const n = Math.max(CHAIN, Math.round(ops / CHAIN) * CHAIN);
  await runSuite('Engine per-step overhead, in memory (aim: ≥ 0.2× the floor, i.e. ≤ 5× its time)', [floor, engine], n);
  // The floor drifts with the machine's load: the paired ratio is the figure to compare.
  const paired = await pairedRatio(engine, floor, n);
  console.log(`paired, 20 alternating blocks of ${n}: a trivial step costs ${paired.toFixed(1)}× one setImmediate`);
}

async function durableChain(): Promise<void> {
  const STEPS = 40;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-engine-'));
  const raw = new Database(path.join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE ev (run TEXT, seq INTEGER, payload TEXT, PRIMARY KEY (run, seq))');
  const insert = raw.prepare('INSERT INTO ev VALUES (?, ?, ?)');
  const app = await createSwitchyard(loadConfig({ PORT: '0', DATA_DIR: dir, NODE_ENV: 'test' }), { ui: false, log: silentLogger, registry, runners: testRunners() });
  try {
    const { workflows, versions, runs } = app.context;
    await workflows.import(chainYaml('durable', STEPS));
    await versions.publish('durable');
    const timeRun = async () => {
      const t0 = performance.now();
      const { runId } = await runs.start({ workflowId: 'durable' });
      await runs.waitFor(runId);
      return performance.now() - t0;
    };
    await timeRun(); // warm-up
    const engineMs = Math.min(await timeRun(), await timeRun(), await timeRun());
    let seq = 0;
    const rawRun = () => { const t0 = performance.now(); for (let i = 0; i < STEPS; i++) insert.run('r', ++seq, '{}'); return performance.now() - t0; };
    rawRun();
    const rawMs = Math.min(rawRun(), rawRun(), rawRun());
    console.log(`\n## ${STEPS} sequential durable trivial steps (SQLite WAL + NORMAL; aim ≤ 100 ms)`);
    console.log(`${`raw: ${STEPS} single-row commits`.padEnd(52)} ${rawMs.toFixed(1).padStart(10)} ms   baseline`);
    console.log(`${`engine: one run of a ${STEPS}-step chain, start → completed`.padEnd(52)} ${engineMs.toFixed(1).padStart(10)} ms   ${(engineMs / rawMs).toFixed(1)}× baseline time`);
  } finally {
    await app.close();
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function engineBench(ops = 2000): Promise<void> {
  await inMemoryOverhead(ops);
  await durableChain();
}
