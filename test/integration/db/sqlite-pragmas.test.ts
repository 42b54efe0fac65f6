// The durability promise of the embedded default: WAL with synchronous=NORMAL (a killed
// process loses no committed transaction), FULL on request, foreign keys enforced.
import { afterEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../server/db/client.ts';
import { migrateDatabase } from '../../../server/db/index.ts';
import { freshSqlite, type TestDatabase } from '../../helpers/databases.ts';

let database: TestDatabase | undefined;
let db: Db | undefined;
afterEach(async () => { await db?.$disconnect(); await database?.drop(); });

async function pragma(d: Db, name: string): Promise<unknown> {
  const rows = await d.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
  return Object.values(rows[0] ?? {})[0];
}

it.each([['NORMAL', 1n], ['FULL', 2n]] as const)('opens SQLite in WAL mode with synchronous=%s and foreign keys on', async (synchronous, level) => {
  database = freshSqlite();
  const config = { ...database.config, synchronous } as const;
  await migrateDatabase(config);
  db = await openDatabase(config);
  expect(await pragma(db, 'journal_mode')).toBe('wal');
  expect(BigInt(await pragma(db, 'synchronous') as number)).toBe(level);
  expect(BigInt(await pragma(db, 'foreign_keys') as number)).toBe(1n);
});
