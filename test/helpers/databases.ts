// Fresh, isolated databases for tests: a new SQLite file, or a new PostgreSQL database
// on the local server (127.0.0.1:5432, trust auth). Every database test runs against
// both kinds through `eachDatabase`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConfig } from '../../server/config.ts';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  config: DatabaseConfig;
  /** A URL in DATABASE_URL form, for starting a server process against it. */
  url: string;
  drop(): Promise<void>;
}

export function freshSqlite(): TestDatabase {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-db-'));
  const file = path.join(dir, 'test.db');
  return {
    config: { provider: 'sqlite', file, synchronous: 'NORMAL' },
    url: `file:${file}`,
    async drop() { rmSync(dir, { recursive: true, force: true }); },
  };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function freshPostgres(): Promise<TestDatabase> {
  const name = `switchyard_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try { await admin.query(`CREATE DATABASE "${name}"`); } finally { await admin.end(); }
  const url = withDatabase(PG_ADMIN_URL, name);
  return {
    config: { provider: 'postgresql', url },
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try { await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`); } finally { await c.end(); }
    },
  };
}

export const databaseKinds = ['sqlite', 'postgresql'] as const;
export type DatabaseKind = (typeof databaseKinds)[number];

export function freshDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === 'sqlite' ? Promise.resolve(freshSqlite()) : freshPostgres();
}
