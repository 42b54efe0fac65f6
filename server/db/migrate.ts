// Applies the Prisma-format migrations under prisma/ (prisma/migrations for SQLite,
// prisma/postgres/migrations for PostgreSQL) without Prisma's native schema engine.
//
// Protocol, compatible with `prisma migrate deploy`:
//   - each migration is a folder <timestamp>_<name>/migration.sql, applied in name order;
//   - each applied migration is a row in _prisma_migrations, with the sha256 of its file
//     as checksum, started_at, finished_at and applied_steps_count = 1;
//   - a migration runs in one transaction (both databases have transactional DDL), so a
//     failure leaves no half-applied migration and no row;
//   - an applied migration whose file changed, or a row naming a migration this build
//     does not know (the database is newer than the code), stops start-up.
// On PostgreSQL an advisory lock serialises processes that start together.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RawConnection } from './raw-connection.ts';

export const prismaDir = path.resolve(import.meta.dirname, '../../prisma');

export function migrationsDir(provider: RawConnection['provider']): string {
  return provider === 'sqlite' ? path.join(prismaDir, 'migrations') : path.join(prismaDir, 'postgres/migrations');
}

export interface Migration { name: string; sql: string; checksum: string }

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const TABLE_DDL = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "checksum" TEXT NOT NULL,
    "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL,
    "logs" TEXT,
    "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
  )`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`,
} as const;

// Any constant works; it only has to be the same for every Switchyard process.
const PG_LOCK_KEY = 0x5357_5944; // "SWYD"

export interface MigrateResult { applied: string[]; alreadyApplied: number }

export async function migrate(conn: RawConnection, dir = migrationsDir(conn.provider)): Promise<MigrateResult> {
  const migrations = readMigrations(dir);
  if (migrations.length === 0) throw new MigrationError(`No migrations found in ${dir}`);
  if (conn.provider === 'postgresql') await conn.query('SELECT pg_advisory_lock($1)', [PG_LOCK_KEY]);
  try {
    await conn.exec(TABLE_DDL[conn.provider]);
    const rows = await conn.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL',
    );
    const known = new Map(migrations.map((m) => [m.name, m]));
    for (const row of rows) {
      const m = known.get(row.migration_name);
      if (!m) throw new MigrationError(`The database has migration ${row.migration_name}, which this version of Switchyard does not know: the database was migrated by a newer version. Run that version, or restore a backup.`);
      if (m.checksum !== row.checksum) throw new MigrationError(`Migration ${m.name} was modified after it was applied (checksum mismatch). Never edit an applied migration: restore its original migration.sql and add a new migration instead.`);
    }
    const done = new Set(rows.map((r) => r.migration_name));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await applyOne(conn, m);
      applied.push(m.name);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    if (conn.provider === 'postgresql') await conn.query('SELECT pg_advisory_unlock($1)', [PG_LOCK_KEY]);
  }
}

async function applyOne(conn: RawConnection, m: Migration): Promise<void> {
  const now = conn.provider === 'sqlite' ? 'current_timestamp' : 'now()';
  // SQLite ignores `PRAGMA foreign_keys` inside a transaction, so the OFF that Prisma puts
  // around a table redefinition (new_X, copy, DROP TABLE X, rename) would be a no-op here
  // and the DROP would fire every child table's ON DELETE CASCADE, silently emptying them.
  // Switch enforcement off around the transaction instead and check the result before
  // committing.
  const fkWasOn = conn.provider === 'sqlite' && (await conn.query<{ foreign_keys: number }>('PRAGMA foreign_keys'))[0]?.foreign_keys === 1;
  if (fkWasOn) await conn.exec('PRAGMA foreign_keys = OFF');
  await conn.exec('BEGIN');
  try {
    await conn.exec(m.sql);
    if (conn.provider === 'sqlite') {
      const violations = await conn.query('PRAGMA foreign_key_check');
      if (violations.length > 0) throw new Error(`foreign key check failed: ${JSON.stringify(violations.slice(0, 5))}`);
    }
    const p = conn.provider === 'sqlite' ? ['?', '?', '?'] : ['$1', '$2', '$3'];
    await conn.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES (${p[0]}, ${p[1]}, ${p[2]}, ${now}, ${now}, 1)`,
      [randomUUID(), m.checksum, m.name],
    );
    await conn.exec('COMMIT');
  } catch (err) {
    await conn.exec('ROLLBACK').catch(() => undefined);
    throw new MigrationError(`Migration ${m.name} failed and was rolled back: ${(err as Error).message}`);
  } finally {
    if (fkWasOn) await conn.exec('PRAGMA foreign_keys = ON');
  }
}
