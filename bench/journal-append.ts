// Journal appends: the engine writes one RunEvent per state change, so this is the write
// path every run walks. Baseline: raw better-sqlite3, one insert per transaction, in the
// configuration we ship (WAL, synchronous=NORMAL). Compared with it: the same through
// Prisma Client, with synchronous=FULL (power-loss durable), batched, and PostgreSQL.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../server/db/client.ts';
import { migrateDatabase } from '../server/db/index.ts';
import { freshPostgres } from '../test/helpers/databases.ts';
import { runSuite, type BenchCase } from './harness.ts';

async function sqliteDb(dir: string, name: string, synchronous: 'NORMAL' | 'FULL'): Promise<Db> {
  const config = { provider: 'sqlite' as const, file: path.join(dir, `${name}.db`), synchronous };
  await migrateDatabase(config);
  return openDatabase(config);
}

async function seedRun(db: Db): Promise<string> {
  const wf = await db.workflow.create({ data: { name: 'bench' } });
  const v = await db.workflowVersion.create({ data: { workflowId: wf.id, number: 1, yaml: '', hash: 'x' } });
  return (await db.run.create({ data: { workflowId: wf.id, versionId: v.id, number: 1 } })).id;
}

function prismaAppend(name: string, db: Db, runId: string, batch = 1): BenchCase {
  let seq = 0;
  return {
    name,
    async run(n) {
      for (let i = 0; i < n; i += batch) {
        const rows = Array.from({ length: Math.min(batch, n - i) }, () => ({ runId, seq: ++seq, type: 'step.completed', payload: { stepId: 'build', attempt: 1 } }));
        if (batch === 1) await db.runEvent.create({ data: rows[0]! });
        else await db.runEvent.createMany({ data: rows });
      }
    },
  };
}

export async function journalAppendBench(ops = 2000): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
  const raw = new Database(path.join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE ev (run TEXT, seq INTEGER, type TEXT, payload TEXT, PRIMARY KEY (run, seq))');
  const insert = raw.prepare('INSERT INTO ev VALUES (?, ?, ?, ?)');
  let rawSeq = 0;

  const normal = await sqliteDb(dir, 'normal', 'NORMAL');
  const full = await sqliteDb(dir, 'full', 'FULL');
  const pg = await freshPostgres().catch(() => undefined);
  let pgDb: Db | undefined;
  if (pg) { await migrateDatabase(pg.config); pgDb = await openDatabase(pg.config); }

  try {
    const cases: BenchCase[] = [
      { name: 'raw better-sqlite3, WAL + NORMAL, 1 row/tx', async run(n) { for (let i = 0; i < n; i++) insert.run('r', ++rawSeq, 'step.completed', '{"stepId":"build","attempt":1}'); } },
      prismaAppend('Prisma SQLite, WAL + NORMAL, 1 event/tx (default)', normal, await seedRun(normal)),
      prismaAppend('Prisma SQLite, WAL + FULL, 1 event/tx', full, await seedRun(full)),
      prismaAppend('Prisma SQLite, WAL + NORMAL, 50 events/tx', normal, await seedRun(normal), 50),
    ];
    if (pgDb) cases.push(prismaAppend('Prisma PostgreSQL (local), 1 event/tx', pgDb, await seedRun(pgDb)));
    else console.log('(PostgreSQL at 127.0.0.1:5432 not reachable: its case is left out)');
    await runSuite('Journal append (RunEvent insert)', cases, ops);
  } finally {
    raw.close();
    await Promise.all([normal.$disconnect(), full.$disconnect(), pgDb?.$disconnect()]);
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
