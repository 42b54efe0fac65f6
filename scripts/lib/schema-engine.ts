// Prisma's schema engine (the part of Prisma that computes migration SQL), run from its
// WebAssembly build so migrations can be produced offline.
//
// Why this exists: the Prisma CLI's `migrate` commands spawn a native schema-engine binary
// that the CLI downloads on first use; without internet access that download fails. The
// same engine is published on npm as @prisma/schema-engine-wasm and talks to the database
// through Prisma's JS driver adapters, so it needs nothing beyond node_modules. We only use
// its `diff`: "SQL that takes state A to the schema". Applying migrations is done by our own
// runner (server/db/migrate.ts).
//
// Quirks handled here (all specific to the pinned 7.10.0 packages, re-check on upgrade):
//   - the package imports its .wasm file directly, which Node 20 cannot load without
//     --experimental-wasm-modules; we instantiate it by hand with the package's JS glue;
//   - @prisma/adapter-pg cannot decode PostgreSQL's internal one-byte "char" type, which the
//     engine reads from pg_catalog; a pg.Client subclass reports it as text;
//   - the SQLite renderer emits Json defaults unquoted (prisma/orm#26571), see
//     quoteSqliteJsonDefaults;
//   - the engine opens connections through the adapter factory but never closes them, so
//     we track and dispose them ourselves.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { DiffTarget, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { DatabaseConfig } from '../../server/config.ts';

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
export type Provider = DatabaseConfig['provider'];

export type DiffFrom = { kind: 'empty' } | { kind: 'database'; config: DatabaseConfig };

export interface DiffOptions {
  provider: Provider;
  /** The Prisma schema that is the target state. */
  schemaPath: string;
  /** Schema text to use instead of reading schemaPath (e.g. a derived schema not yet written). */
  schemaText?: string;
  from: DiffFrom;
  /**
   * PostgreSQL only, for `from: empty`: the engine refuses to start without a live server
   * even when it does not need a database, so it connects here (read-only). Defaults to
   * MIGRATION_PG_URL, then the local development server.
   */
  postgresUrl?: string;
}

export const DEFAULT_PG_URL = 'postgresql://postgres@127.0.0.1:5432/test';

/**
 * The SQL script that takes `from` to the schema, or '' when they already match.
 * SQLite scripts get the Json-default fix applied, so the result can be run as is.
 */
export async function diffSchemaSql(opts: DiffOptions): Promise<string> {
  if (opts.from.kind === 'database' && opts.from.config.provider !== opts.provider) {
    throw new Error(`diffSchemaSql: a ${opts.provider} schema cannot be diffed against a ${opts.from.config.provider} database`);
  }
  const schema = { path: opts.schemaPath, content: opts.schemaText ?? (await readFile(opts.schemaPath, 'utf8')) };
  const connection: DatabaseConfig = opts.from.kind === 'database'
    ? opts.from.config
    : opts.provider === 'sqlite'
      ? { provider: 'sqlite', file: ':memory:', synchronous: 'NORMAL' }
      : { provider: 'postgresql', url: opts.postgresUrl ?? process.env.MIGRATION_PG_URL ?? DEFAULT_PG_URL };

  const from: DiffTarget = opts.from.kind === 'empty'
    ? { tag: 'empty' }
    // "schemaDatasource" = the live database the engine is connected to (through the adapter).
    : { tag: 'schemaDatasource', files: [schema], configDir: path.dirname(opts.schemaPath) };
  const result = await withEngine(connection, (engine) => engine.diff({
    from,
    to: { tag: 'schemaDatamodel', files: [schema] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  }));
  const sql = result.stdout ?? '';
  if (isEmptyMigration(sql)) return '';
  return opts.provider === 'sqlite' ? quoteSqliteJsonDefaults(sql) : sql;
}

/** True for '', whitespace, and the engine's "-- This is an empty migration." */
export function isEmptyMigration(sql: string): boolean {
  return sql.replace(/^\s*-- This is an empty migration\.\s*$/m, '').trim() === '';
}

/**
 * prisma/orm#26571: for SQLite the engine renders `Json @default("[]")` as `DEFAULT []` and
 * `@default("{}")` as `DEFAULT {}`. SQLite rejects `{`, and reads `[]` as an empty
 * bracket-quoted identifier, i.e. the default silently becomes ''. Quoting the value
 * produces what the engine itself expects: diffing the resulting database against the
 * schema is empty.
 */
export function quoteSqliteJsonDefaults(sql: string): string {
  return sql.replace(
    /(\bJSONB(?: NOT NULL)? DEFAULT )(?!['(]|NULL\b)(.+?)([,;]?)$/gm,
    (_m, head: string, value: string, tail: string) => `${head}'${value.replaceAll("'", "''")}'${tail}`,
  );
}

// ---------------------------------------------------------------------------------------

async function withEngine<T>(db: DatabaseConfig, use: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const glue = await loadWasm();
  const adapters = trackedAdapterFactory(db);
  const bound = bindMigrationAwareSqlAdapterFactory(adapters.factory);
  let engine: SchemaEngine | undefined;
  try {
    engine = await glue.SchemaEngine.new({ datamodels: undefined }, engineLog, bound);
    return await use(engine);
  } catch (err) {
    throw explainEngineError(err, bound);
  } finally {
    engine?.free();
    await adapters.close();
  }
}

function engineLog(line: string): void {
  if (process.env.SCHEMA_ENGINE_LOG) process.stderr.write(`[schema-engine] ${line}\n`);
}

/** Loads the wasm once per process (kept on globalThis so re-evaluating this module, as test runners do, cannot swap the instance under a live engine). */
function loadWasm(): Promise<Glue> {
  const g = globalThis as { [WASM_KEY]?: Promise<Glue> };
  g[WASM_KEY] ??= instantiateWasm();
  return g[WASM_KEY];
}
const WASM_KEY = Symbol.for('switchyard.schema-engine-wasm');

async function instantiateWasm(): Promise<Glue> {
  installPanicRegistry();
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
  // The module's only import namespace is the glue file itself (wasm-bindgen "bundler" target).
  const { instance } = await WebAssembly.instantiate(bytes, {
    './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

// The engine's panic hook calls global.PRISMA_WASM_PANIC_REGISTRY.set_message(); without it a
// panic would surface as a TypeError instead of the engine's message.
let lastPanic: string | undefined;
function installPanicRegistry(): void {
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  g.PRISMA_WASM_PANIC_REGISTRY ??= { set_message(message) { lastPanic = message; } };
}

/** Adapter errors cross the wasm boundary as "External error id#N"; put the real one back. */
function explainEngineError(err: unknown, bound: ErrorCapturingSqlMigrationAwareDriverAdapterFactory): Error {
  const message = err instanceof Error ? err.message : String(err);
  const id = /External error id#(\d+)/.exec(message)?.[1];
  const cause = id === undefined ? undefined : bound.errorRegistry.consumeError(Number(id))?.error;
  if (cause !== undefined) return new Error(`Prisma schema engine: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  if (err instanceof WebAssembly.RuntimeError && lastPanic) return new Error(`Prisma schema engine panicked: ${lastPanic}`, { cause: err });
  return err instanceof Error ? err : new Error(message);
}

function trackedAdapterFactory(db: DatabaseConfig): { factory: SqlMigrationAwareDriverAdapterFactory; close(): Promise<void> } {
  const open: SqlDriverAdapter[] = [];
  const track = async (adapter: Promise<SqlDriverAdapter>) => { const a = await adapter; open.push(a); return a; };
  // We own the pool (PrismaPg leaves an external pool open), so nothing outlives the diff.
  const pool = db.provider === 'postgresql' ? new pg.Pool({ connectionString: db.url, Client: CharAsTextClient, max: 2 }) : undefined;
  const inner: SqlMigrationAwareDriverAdapterFactory = pool ? new PrismaPg(pool) : new PrismaBetterSqlite3({ url: db.provider === 'sqlite' ? db.file : ':memory:' });
  return {
    factory: {
      provider: inner.provider,
      adapterName: inner.adapterName,
      connect: () => track(inner.connect()),
      connectToShadowDb: () => track(inner.connectToShadowDb()),
    },
    async close() {
      for (const a of open.splice(0)) await a.dispose().catch(() => undefined);
      if (pool) await endPool(pool);
    },
  };
}

/**
 * pool.end() resolves before its sockets are closed. Callers drop scratch databases right
 * after a diff (DROP ... WITH (FORCE)), which would kill those still-closing connections and
 * surface as an unhandled pool 'error'. Wait for every client to be gone instead.
 */
async function endPool(pool: pg.Pool): Promise<void> {
  pool.on('error', () => undefined); // errors from clients being discarded are irrelevant
  const closing = pool.totalCount;
  let removed = 0;
  const allClosed = new Promise<void>((resolve) => {
    if (closing === 0) resolve();
    pool.on('remove', () => { if (++removed >= closing) resolve(); });
  });
  await pool.end();
  await allClosed;
}

// PostgreSQL's internal "char" type (oid 18, e.g. pg_constraint.contype) is not in
// @prisma/adapter-pg's type table, so every catalog query the engine makes to describe the
// database fails with "Column type 'char' could not be deserialized". Its text form is a
// one-character string, so reporting it as text (oid 25) is exact.
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function charAsText<R>(result: R): R {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const f of (r as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? []) {
      if (f.dataTypeID === PG_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

class CharAsTextClient extends pg.Client {
  // pg.Client.query has many overloads (promise or callback, text or config); this wrapper
  // forwards every form unchanged, so its own signature cannot be narrower than `any`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last: unknown = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: unknown, res: unknown) => (last as (e: unknown, r: unknown) => void)(err, err ? res : charAsText(res));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const ret = (super.query as (...a: unknown[]) => unknown)(...args);
    return ret instanceof Promise ? ret.then(charAsText) : ret;
  }
}
