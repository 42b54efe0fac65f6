// The committed migrations, run by our own runner, must build exactly the database that
// prisma/schema.prisma describes, on both SQLite and PostgreSQL.
//
// The "no drift" test is the one that fails when someone edits the schema and forgets
// `npm run db:new-migration -- <name>`. The Prisma Client round trip then proves the migrated
// database works with the generated clients (types, defaults, Json and Bytes).
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '../../../prisma/generated/sqlite/client.ts';
import { PrismaClient as PostgresClient } from '../../../prisma/generated/postgres/client.ts';
import { migrate, MigrationError, migrationsDir, readMigrations } from '../../../server/db/migrate.ts';
import { openRaw, type RawConnection } from '../../../server/db/raw-connection.ts';
import { diffSchemaSql } from '../../../scripts/lib/schema-engine.ts';
import { postgresSchemaPath, sqliteSchemaPath } from '../../../scripts/prisma-derive.ts';
import { databaseKinds, freshDatabase, type DatabaseKind, type TestDatabase } from '../../helpers/databases.ts';

type Client = InstanceType<typeof SqliteClient>;

function openClient(db: TestDatabase): Client {
  if (db.config.provider === 'sqlite') return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: db.config.file }) });
  // Both clients are generated from the same model text; only the provider differs, so the
  // PostgreSQL client is used through the SQLite client's (identical) model API.
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: db.config.url }) }) as unknown as Client;
}

async function withRaw<T>(db: TestDatabase, use: (conn: RawConnection) => Promise<T>): Promise<T> {
  const conn = await openRaw(db.config);
  try { return await use(conn); } finally { await conn.close(); }
}

function tempMigrationsCopy(kind: DatabaseKind): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-migrations-'));
  cpSync(migrationsDir(kind), dir, { recursive: true });
  return dir;
}

for (const kind of databaseKinds) {
  describe(`migrations on ${kind}`, () => {
    const committed = readMigrations(migrationsDir(kind));

    describe('a fresh database', () => {
      let db: TestDatabase;
      beforeAll(async () => { db = await freshDatabase(kind); });
      afterAll(async () => { await db?.drop(); });

      it('applies every committed migration once, recorded like `prisma migrate deploy`', async () => {
        expect(committed.length).toBeGreaterThan(0);
        const first = await withRaw(db, (c) => migrate(c));
        expect(first).toEqual({ applied: committed.map((m) => m.name), alreadyApplied: 0 });

        const second = await withRaw(db, (c) => migrate(c));
        expect(second).toEqual({ applied: [], alreadyApplied: committed.length });

        const rows = await withRaw(db, (c) => c.query<{ migration_name: string; checksum: string; finished_at: unknown; applied_steps_count: unknown; rolled_back_at: unknown }>(
          'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name',
        ));
        expect(rows.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
        for (const [i, row] of rows.entries()) {
          const file = path.join(migrationsDir(kind), row.migration_name, 'migration.sql');
          expect(row.checksum).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
          expect(row.checksum).toBe(committed[i]?.checksum);
          expect(row.finished_at).not.toBeNull();
          expect(row.rolled_back_at).toBeNull();
          expect(Number(row.applied_steps_count)).toBe(1);
        }
      });

      it('matches the Prisma schema exactly (no drift)', async () => {
        const sql = await diffSchemaSql({
          provider: kind,
          schemaPath: kind === 'sqlite' ? sqliteSchemaPath : postgresSchemaPath,
          from: { kind: 'database', config: db.config },
        });
        expect(sql, 'prisma/schema.prisma changed without a migration: run `npm run db:new-migration -- <name>` and commit the SQL').toBe('');
      });

      it('round-trips a row of every model through the generated Prisma Client', async () => {
        const prisma = openClient(db);
        try {
          const user = await prisma.user.create({ data: { email: 'ada@example.com', name: 'Ada' } });
          expect(await prisma.user.findUniqueOrThrow({ where: { email: 'ada@example.com' } })).toMatchObject({ id: user.id, role: 'viewer', passwordHash: null });

          const workflow = await prisma.workflow.create({ data: { name: 'wf', createdById: user.id } });
          // Json defaults come from the database (regression guard for prisma/orm#26571 on SQLite).
          expect(await prisma.workflow.findUniqueOrThrow({ where: { id: workflow.id } })).toMatchObject({ tags: [], description: '', draftYaml: '', createdById: user.id });
          await prisma.workflow.update({ where: { id: workflow.id }, data: { tags: ['a', 'é✓'] } });
          expect((await prisma.workflow.findUniqueOrThrow({ where: { id: workflow.id } })).tags).toEqual(['a', 'é✓']);

          const version = await prisma.workflowVersion.create({ data: { workflowId: workflow.id, number: 1, yaml: 'steps: []\n', hash: 'h1', createdById: user.id } });
          expect(await prisma.workflowVersion.findUniqueOrThrow({ where: { workflowId_number: { workflowId: workflow.id, number: 1 } } })).toMatchObject({ id: version.id, yaml: 'steps: []\n' });

          const leaseUntil = new Date('2030-01-02T03:04:05.678Z');
          const inputs = { text: 'hi', n: 1.5, list: [1, 'two', null, { deep: true }] };
          const run = await prisma.run.create({ data: { workflowId: workflow.id, versionId: version.id, number: 1, inputs, outputs: { ok: true }, leaseUntil, startedById: user.id } });
          expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: 'queued', trigger: 'manual', lastSeq: 0, inputs, outputs: { ok: true }, error: null, leaseUntil });
          const defaults = await prisma.run.create({ data: { workflowId: workflow.id, versionId: version.id, number: 2 } });
          expect((await prisma.run.findUniqueOrThrow({ where: { id: defaults.id } })).inputs).toEqual({});

          await prisma.runStep.create({ data: { runId: run.id, stepId: 'fetch', iteration: '2/0', input: [1, 2], output: 'plain string', error: { message: 'boom' } } });
          expect(await prisma.runStep.findUniqueOrThrow({ where: { runId_stepId_iteration: { runId: run.id, stepId: 'fetch', iteration: '2/0' } } }))
            .toMatchObject({ status: 'queued', attempt: 0, input: [1, 2], output: 'plain string', error: { message: 'boom' } });

          await prisma.runEvent.create({ data: { runId: run.id, seq: 1, type: 'run.started', payload: { at: 1 } } });
          await prisma.runEvent.create({ data: { runId: run.id, seq: 2, type: 'run.noted' } });
          const events = await prisma.runEvent.findMany({ where: { runId: run.id }, orderBy: { seq: 'asc' } });
          expect(events.map((e) => [e.seq, e.type, e.payload])).toEqual([[1, 'run.started', { at: 1 }], [2, 'run.noted', {}]]);

          const bytes = Uint8Array.from({ length: 256 }, (_, i) => i); // every byte value, NUL included
          const update = await prisma.yjsUpdate.create({ data: { docName: 'workflow/1', update: bytes } });
          expect(typeof update.id).toBe('number');
          const read = await prisma.yjsUpdate.findUniqueOrThrow({ where: { id: update.id } });
          expect(Buffer.from(read.update).equals(Buffer.from(bytes))).toBe(true);

          // Cascades declared in the schema exist in the database.
          await prisma.workflow.delete({ where: { id: workflow.id } });
          expect(await prisma.runEvent.count()).toBe(0);
          expect(await prisma.runStep.count()).toBe(0);
        } finally {
          await prisma.$disconnect();
        }
      });
    });

    it('refuses a database whose applied migration was edited afterwards (checksum mismatch)', async () => {
      const db = await freshDatabase(kind);
      const dir = tempMigrationsCopy(kind);
      try {
        await withRaw(db, (c) => migrate(c, dir));
        const first = readMigrations(dir)[0];
        if (!first) throw new Error('no migrations');
        appendFileSync(path.join(dir, first.name, 'migration.sql'), '\n-- edited after being applied\n');
        const retry = withRaw(db, (c) => migrate(c, dir));
        await expect(retry).rejects.toBeInstanceOf(MigrationError);
        await expect(withRaw(db, (c) => migrate(c, dir))).rejects.toThrow(/checksum mismatch/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await db.drop();
      }
    });

    it('rolls a failing migration back entirely and records no row for it', async () => {
      const db = await freshDatabase(kind);
      const dir = tempMigrationsCopy(kind);
      try {
        const broken = '29991231235959_broken';
        mkdirSync(path.join(dir, broken));
        writeFileSync(path.join(dir, broken, 'migration.sql'), 'CREATE TABLE "ShouldNotExist" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n');
        await expect(withRaw(db, (c) => migrate(c, dir))).rejects.toThrow(MigrationError);

        await withRaw(db, async (c) => {
          const names = (await c.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"')).map((r) => r.migration_name);
          expect(names).toEqual(committed.map((m) => m.name)); // the earlier ones did commit
          const leftover = kind === 'sqlite'
            ? await c.query(`SELECT name FROM sqlite_master WHERE name = 'ShouldNotExist'`)
            : await c.query(`SELECT to_regclass('"ShouldNotExist"') AS t WHERE to_regclass('"ShouldNotExist"') IS NOT NULL`);
          expect(leftover).toEqual([]);
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await db.drop();
      }
    });

    // SQLite cannot alter a column, so Prisma rebuilds the table (new_X, copy, DROP X, rename)
    // between PRAGMA foreign_keys=OFF/ON. Inside the runner's transaction that pragma is a
    // no-op, so unless the runner handles it the DROP cascades and empties the child tables.
    if (kind === 'sqlite') it('keeps child rows when a migration rebuilds a parent table', async () => {
      const db = await freshDatabase(kind);
      const dir = tempMigrationsCopy(kind);
      try {
        await withRaw(db, (c) => migrate(c, dir));
        await withRaw(db, (c) => c.exec(`
          INSERT INTO "Workflow" ("id", "name", "updatedAt") VALUES ('w', 'w', 0);
          INSERT INTO "WorkflowVersion" ("id", "workflowId", "number", "yaml", "hash") VALUES ('v', 'w', 1, '', 'h');
          INSERT INTO "Run" ("id", "workflowId", "versionId", "number") VALUES ('r', 'w', 'v', 1);
          INSERT INTO "RunStep" ("id", "runId", "stepId") VALUES ('s', 'r', 'a');
          INSERT INTO "RunEvent" ("runId", "seq", "type") VALUES ('r', 1, 'x');`));

        // A changed column default is enough to make the engine rebuild "Run".
        const schema = readFileSync(sqliteSchemaPath, 'utf8');
        const changed = schema.replace(/(model Run \{[\s\S]*?\bstatus\s+String\s+@default\(")queued("\))/, '$1pending$2');
        expect(changed).not.toBe(schema);
        const schemaPath = path.join(dir, 'schema.prisma');
        writeFileSync(schemaPath, changed);
        const sql = await diffSchemaSql({ provider: 'sqlite', schemaPath, from: { kind: 'database', config: db.config } });
        expect(sql).toContain('DROP TABLE "Run"');
        mkdirSync(path.join(dir, '29991231235959_rebuild_run'));
        writeFileSync(path.join(dir, '29991231235959_rebuild_run', 'migration.sql'), sql);

        await withRaw(db, async (c) => {
          expect((await migrate(c, dir)).applied).toEqual(['29991231235959_rebuild_run']);
          expect(await c.query('SELECT "id" FROM "RunStep"')).toEqual([{ id: 's' }]);
          expect(await c.query('SELECT "seq" FROM "RunEvent"')).toEqual([{ seq: 1 }]);
          expect(await c.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await db.drop();
      }
    });
  });
}
