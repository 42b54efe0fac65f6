// The journal store (server/engine/journal-store.ts) against the raw driver writing the same
// rows, on SQLite (WAL + NORMAL, temp file) and PostgreSQL (local, when reachable).
// Targets: sequential single-event appends ≥ 0.7× raw single-row inserts; 100 runs appending
// concurrently (group commit) ≥ 0.5× raw 100-row batches.
//
// The store does more per event than the baselines — the lease check and the Run.lastSeq
// update, one more row written per run per commit — so the ratios are the price of fencing
// and numbering. Raw and store each get their own database, put through the same sequence of
// writes, so neither case runs against a journal the other one grew.
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { migrateDatabase } from '../server/db/index.ts';
import { createJournalStore, type JournalStore } from '../server/engine/journal-store.ts';
import { appendSql } from '../server/engine/postgres-journal-sql.ts';
import { freshPostgres } from '../test/helpers/databases.ts';
import { pairedRatio, runSuite, type BenchCase } from './harness.ts';

const RUNS = 100;
const summaryRows: string[] = [];

/**
 * runSuite's ops/s (best of 3, case after case), then a paired ratio: raw and store take
 * turns in 20 short blocks and the ratio is of their total times. On a shared machine a
 * neighbour's load drifts over seconds; taking turns spreads it over both sides, where
 * case-after-case measurement can hand all of it to one.
 */
async function suite(title: string, cases: [BenchCase, BenchCase, ...BenchCase[]], ops: number, unit = 1): Promise<void> {
  const results = await runSuite(title, cases, ops);
  const n = Math.max(unit, Math.round(ops / 10 / unit) * unit);
  const paired = await pairedRatio(cases[0], cases[1], n);
  console.log(`paired, 20 alternating blocks of ${n}: store at ${paired.toFixed(2)}× raw`);
  summaryRows.push(`${title.padEnd(58)} ${results[1]!.ratio.toFixed(2)}×      ${paired.toFixed(2)}×`);
}

function summary(): void {
  console.log('\n## Journal store vs raw driver                                 best-of-3  paired');
  for (const row of summaryRows) console.log(row);
}
const PAYLOAD = { stepId: 'build', attempt: 1 };
const OWNER = 'bench';

/** A migrated database with RUNS + 1 runs: the first for sequential writes, the rest for the 100 writers. */
async function seed(config: DatabaseConfig): Promise<{ one: string; many: string[] }> {
  await migrateDatabase(config);
  const db = await openDatabase(config);
  try {
    const wf = await db.workflow.create({ data: { name: 'bench' } });
    const v = await db.workflowVersion.create({ data: { workflowId: wf.id, number: 1, yaml: '', hash: 'x' } });
    const ids: string[] = [];
    for (let i = 0; i <= RUNS; i++) ids.push((await db.run.create({ data: { workflowId: wf.id, versionId: v.id, number: i + 1 } })).id);
    return { one: ids[0]!, many: ids.slice(1) };
  } finally {
    await db.$disconnect();
  }
}

/** Raw inserts number events themselves. */
function numbering(): (runId: string) => number {
  const last = new Map<string, number>();
  return (runId) => { const s = (last.get(runId) ?? 0) + 1; last.set(runId, s); return s; };
}

function storeCases(store: JournalStore, runs: { one: string; many: string[] }): [BenchCase, BenchCase] {
  const append = (runId: string) => store.append({ runId, owner: OWNER, events: [{ type: 'step.completed', payload: PAYLOAD }] });
  return [
    { name: 'store.append, 1 event per call, sequential', async run(n) { for (let i = 0; i < n; i++) await append(runs.one); } },
    { name: `store.append, ${RUNS} runs concurrently (group commit)`, async run(n) {
      const per = Math.ceil(n / RUNS);
      await Promise.all(runs.many.map(async (runId) => { for (let i = 0; i < per; i++) await append(runId); }));
    } },
  ];
}

async function openStore(config: DatabaseConfig): Promise<JournalStore> {
  const store = await createJournalStore(config);
  await store.claim(OWNER, { statuses: ['queued'], limit: RUNS + 1, leaseMs: 3_600_000 });
  return store;
}

async function sqliteSuites(ops: number, dir: string): Promise<void> {
  const rawConfig: DatabaseConfig = { provider: 'sqlite', file: path.join(dir, 'raw.db'), synchronous: 'NORMAL' };
  const storeConfig: DatabaseConfig = { provider: 'sqlite', file: path.join(dir, 'store.db'), synchronous: 'NORMAL' };
  const rawRuns = await seed(rawConfig);
  const storeRuns = await seed(storeConfig);
  const raw = new Database(rawConfig.file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  const insert = raw.prepare('INSERT INTO "RunEvent" ("runId", "seq", "type", "payload", "createdAt") VALUES (?, ?, ?, ?, ?)');
  const next = numbering();
  const rawInsert = (runId: string) =>
    insert.run(runId, next(runId), 'step.completed', JSON.stringify(PAYLOAD), new Date().toISOString().replace('Z', '+00:00'));
  const batch = raw.transaction((ids: string[]) => { for (const id of ids) rawInsert(id); });
  // The floor: the store's own statements for one event, straight on the driver.
  const floorDb = new Database(storeConfig.file);
  floorDb.pragma('synchronous = NORMAL');
  floorDb.pragma('foreign_keys = ON');
  const [begin, advance, insertEvent, commit] = ['BEGIN IMMEDIATE',
    'UPDATE "Run" SET "lastSeq" = "lastSeq" + 1 WHERE "id" = ? AND "leaseOwner" = ? AND "leaseUntil" > ? RETURNING "lastSeq"',
    'INSERT INTO "RunEvent" ("runId", "seq", "type", "payload", "createdAt") VALUES (?, ?, ?, ?, ?)', 'COMMIT'].map((sql) => floorDb.prepare(sql));
  advance!.pluck();
  const floorRun = storeRuns.many[0]!; // not written by the store's sequential case
  const floorAppend = () => {
    const now = new Date().toISOString().replace('Z', '+00:00');
    begin!.run();
    const seq = advance!.get(floorRun, OWNER, now) as number;
    insertEvent!.run(floorRun, seq, 'step.completed', JSON.stringify(PAYLOAD), now);
    commit!.run();
  };
  const store = await openStore(storeConfig);
  const [sequential, concurrent] = storeCases(store, storeRuns);
  try {
    await suite('SQLite WAL + NORMAL: sequential appends (target ≥ 0.7)', [
      { name: 'raw better-sqlite3 INSERT, 1 row/tx', async run(n) { for (let i = 0; i < n; i++) rawInsert(rawRuns.one); } },
      sequential,
      { name: "(floor) the store's SQL on the driver, no JS around", async run(n) { for (let i = 0; i < n; i++) floorAppend(); } },
    ], ops);
    await suite(`SQLite WAL + NORMAL: ${RUNS} writers (target ≥ 0.5)`, [
      { name: `raw better-sqlite3 INSERT, ${RUNS} rows/tx`, async run(n) { for (let i = 0; i < n; i += RUNS) batch(rawRuns.many); } },
      concurrent,
    ], ops, RUNS);
  } finally {
    await store.close();
    raw.close();
    floorDb.close();
  }
}

async function postgresSuites(ops: number): Promise<void> {
  const rawDb = await freshPostgres().catch(() => undefined);
  if (!rawDb) { console.log('\n(PostgreSQL at 127.0.0.1:5432 not reachable: its suites are left out)'); return; }
  const storeDb = await freshPostgres();
  const raw = new pg.Client({ connectionString: rawDb.url });
  const floor = new pg.Client({ connectionString: storeDb.url }); // the store's statement, no JS around
  let store: JournalStore | undefined;
  try {
    const rawRuns = await seed(rawDb.config);
    const storeRuns = await seed(storeDb.config);
    await Promise.all([raw.connect(), floor.connect()]);
    store = await openStore(storeDb.config);
    const [sequential, concurrent] = storeCases(store, storeRuns);
    const next = numbering();
    const payload = JSON.stringify(PAYLOAD);
    const insertOne = 'INSERT INTO "RunEvent" ("runId", "seq", "type", "payload", "createdAt") VALUES ($1, $2, $3, $4::jsonb, $5)';
    // The fastest raw batch: one multi-row statement (its own transaction), each row with its
    // own values, as a batch of real events would be.
    const insertMany = `INSERT INTO "RunEvent" ("runId", "seq", "type", "payload", "createdAt")
      SELECT r, s, t, p, (statement_timestamp() AT TIME ZONE 'UTC') FROM unnest($1::text[], $2::int[], $3::text[], $4::jsonb[]) AS u(r, s, t, p)`;
    const types = rawRuns.many.map(() => 'step.completed');
    await suite('PostgreSQL: sequential appends (target ≥ 0.7)', [
      { name: 'raw pg INSERT, 1 row/tx', async run(n) {
        for (let i = 0; i < n; i++) await raw.query({ name: 'one', text: insertOne, values: [rawRuns.one, next(rawRuns.one), 'step.completed', payload, new Date().toISOString()] });
      } },
      sequential,
      { name: "(floor) the store's SQL on the driver, no JS around", async run(n) {
        const floorSql = { name: 'floor', text: appendSql({ oneRun: true, oneEvent: true, runFields: false, steps: false }) };
        for (let i = 0; i < n; i++) await floor.query({ ...floorSql, values: [storeRuns.many[0], OWNER, 'step.completed', payload] });
      } },
    ], ops);
    await suite(`PostgreSQL: ${RUNS} writers (target ≥ 0.5)`, [
      { name: `raw pg INSERT, ${RUNS} rows/tx (one statement)`, async run(n) {
        for (let i = 0; i < n; i += RUNS) await raw.query({ name: 'many', text: insertMany, values: [rawRuns.many, rawRuns.many.map(next), types, rawRuns.many.map(() => JSON.stringify(PAYLOAD))] });
      } },
      concurrent,
    ], ops, RUNS);
  } finally {
    await store?.close();
    await Promise.all([raw.end(), floor.end()]);
    await Promise.all([rawDb.drop(), storeDb.drop()]);
  }
}

export async function journalStoreBench(ops = 2000): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-store-'));
  try {
    await sqliteSuites(ops, dir);
    await postgresSuites(ops);
    summary();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
