// A migrated database (SQLite file or PostgreSQL database) with Prisma Client open on it,
// runs to write to, and journal stores opened on the same database, closed together.
import type { DatabaseConfig } from '../../../../server/config.ts';
import { openDatabase, type Db } from '../../../../server/db/client.ts';
import { migrateDatabase } from '../../../../server/db/index.ts';
import { createJournalStore, type JournalStore, type JournalStoreOptions } from '../../../../server/engine/journal-store.ts';
import { freshDatabase, type DatabaseKind, type TestDatabase } from '../../../helpers/databases.ts';

export interface Fixture {
  kind: DatabaseKind;
  config: DatabaseConfig;
  db: Db;
  /** Creates `count` runs (status queued unless given), oldest first. */
  runs(count: number, status?: string): Promise<string[]>;
  /** A store on the same database; closed by close(). */
  store(opts?: JournalStoreOptions): Promise<JournalStore>;
  close(): Promise<void>;
}

export async function openFixture(kind: DatabaseKind): Promise<Fixture> {
  const database: TestDatabase = await freshDatabase(kind);
  await migrateDatabase(database.config);
  const db = await openDatabase(database.config);
  const stores: JournalStore[] = [];
  const wf = await db.workflow.create({ data: { name: 'journal test' } });
  const version = await db.workflowVersion.create({ data: { workflowId: wf.id, number: 1, yaml: '', hash: 'h' } });
  let number = 0;
  return {
    kind,
    config: database.config,
    db,
    async runs(count, status = 'queued') {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        // Distinct createdAt values, so "oldest first" is well defined.
        const createdAt = new Date(Date.UTC(2026, 0, 1) + ++number * 1000);
        ids.push((await db.run.create({ data: { workflowId: wf.id, versionId: version.id, number, status, createdAt } })).id);
      }
      return ids;
    },
    async store(opts = {}) {
      const s = await createJournalStore(database.config, { poolSize: 2, ...opts });
      stores.push(s);
      return s;
    },
    async close() {
      await Promise.all(stores.map((s) => s.close()));
      await db.$disconnect();
      await database.drop();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An event payload that exercises JSON: nesting, unicode, escapes, numbers, null. */
export const richPayload = { stepId: 'build', attempt: 2, out: { lines: ['ok', 'ünïcødé ✓', 'quote " and \\ backslash'], n: 1.5, big: 2 ** 40, none: null, yes: true } };
