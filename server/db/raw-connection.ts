// A minimal raw connection used where Prisma Client does not fit: applying migration
// scripts (many statements per file) and creating or dropping whole databases.
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../config.ts';

export interface RawConnection {
  readonly provider: DatabaseConfig['provider'];
  /** Runs a script that may hold many statements. */
  exec(sql: string): Promise<void>;
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export function openSqlite(file: string): RawConnection {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  return {
    provider: 'sqlite',
    async exec(sql) { db.exec(sql); },
    async query(sql, params = []) {
      const stmt = db.prepare(sql);
      return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as never;
    },
    async close() { db.close(); },
  };
}

export async function openPostgres(url: string): Promise<RawConnection> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    provider: 'postgresql',
    async exec(sql) { await client.query(sql); },
    async query(sql, params = []) { return (await client.query(sql, params)).rows; },
    async close() { await client.end(); },
  };
}

export function openRaw(db: DatabaseConfig): Promise<RawConnection> {
  return db.provider === 'sqlite' ? Promise.resolve(openSqlite(db.file)) : openPostgres(db.url);
}
