// The SQLite adapter shares one connection. A statement issued outside a transaction while
// another caller's transaction is open must not run inside it: it would see uncommitted
// rows, and a write would vanish on that transaction's rollback after reporting success.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../server/db/client.ts';
import { migrateDatabase } from '../../../server/db/index.ts';
import { freshSqlite, type TestDatabase } from '../../helpers/databases.ts';

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = freshSqlite();
  await migrateDatabase(database.config);
  db = await openDatabase(database.config);
});
afterAll(async () => { await db.$disconnect(); await database.drop(); });

it('reads outside a transaction never see its uncommitted rows', async () => {
  let seen: number | undefined;
  await db.$transaction(async (tx) => {
    await tx.workflow.create({ data: { name: 'uncommitted' } });
    const count = db.workflow.count({ where: { name: 'uncommitted' } }).then((n) => { seen = n; });
    for (let i = 0; i < 5; i++) await tx.workflow.count();
    throw Object.assign(new Error('roll back'), { count });
  }).catch(async (e: { count: Promise<void> }) => { await e.count; });
  expect(seen).toBe(0);
});
