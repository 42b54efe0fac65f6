// Creates the next migration for BOTH databases from prisma/schema.prisma, offline.
//
//   npm run db:new-migration -- <name>    write prisma/{,postgres/}migrations/<timestamp>_<name>/
//   npm run db:new-migration -- --check   write nothing; exit 1 if the migrations lag the schema
//
// For each provider it builds a scratch database, applies the existing migrations with the
// same runner production uses, and asks Prisma's schema engine (wasm build, see
// scripts/lib/schema-engine.ts) for the SQL from that database to the schema. Diffing the
// *migrated* database, rather than the previous schema, means a hand-edited migration is
// accounted for exactly as it will run. Both folders share one timestamp so the two
// histories stay in lockstep.
//
// PostgreSQL: scratch databases are created and dropped on the server at MIGRATION_PG_URL
// (default postgresql://postgres@127.0.0.1:5432/test).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../server/config.ts';
import { migrate, migrationsDir, readMigrations } from '../server/db/migrate.ts';
import { openRaw } from '../server/db/raw-connection.ts';
import { DEFAULT_PG_URL, diffSchemaSql, type Provider } from './lib/schema-engine.ts';
import { derivePostgresSchema, postgresSchemaPath, root, sqliteSchemaPath, writeDerivedSchema } from './prisma-derive.ts';

const PROVIDERS: readonly Provider[] = ['sqlite', 'postgresql'];
const pgUrl = process.env.MIGRATION_PG_URL ?? DEFAULT_PG_URL;
const rel = (p: string) => path.relative(root, p);

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--check');
  const names = args.filter((a) => !a.startsWith('--'));
  if (unknown.length > 0 || (check ? names.length > 0 : names.length !== 1)) {
    console.error('usage: npm run db:new-migration -- <name>\n       npm run db:new-migration -- --check');
    return 2;
  }

  const name = check ? '' : migrationName(names[0] ?? '');

  // The PostgreSQL schema is derived; diff against what it *should* be. In --check mode a
  // stale file is itself a failure, and nothing is written.
  const sqliteSchema = readFileSync(sqliteSchemaPath, 'utf8');
  const derived = derivePostgresSchema(sqliteSchema);
  let derivedStale = false;
  if (check) {
    derivedStale = !existsSync(postgresSchemaPath) || readFileSync(postgresSchemaPath, 'utf8') !== derived;
    if (derivedStale) console.log(`${rel(postgresSchemaPath)} is stale: run \`npm run db:generate\``);
  } else if (writeDerivedSchema()) {
    console.log(`regenerated ${rel(postgresSchemaPath)} (run \`npm run db:generate\` to refresh the clients too)`);
  }

  const pending = new Map<Provider, string>();
  for (const provider of PROVIDERS) {
    const dir = migrationsDir(provider);
    const existing = readMigrations(dir);
    const sql = await withScratchDatabase(provider, async (config) => {
      if (existing.length > 0) {
        const conn = await openRaw(config);
        try { await migrate(conn, dir); } finally { await conn.close(); }
      }
      return diffSchemaSql({
        provider,
        schemaPath: provider === 'sqlite' ? sqliteSchemaPath : postgresSchemaPath,
        schemaText: provider === 'sqlite' ? sqliteSchema : derived,
        from: { kind: 'database', config },
      });
    });
    const where = `${existing.length} existing migration(s) in ${rel(dir)}`;
    if (sql) {
      pending.set(provider, sql);
      console.log(`${provider}: schema differs from ${where}`);
    } else {
      console.log(`${provider}: up to date with ${where}`);
    }
  }

  if (check) {
    if (pending.size === 0 && !derivedStale) return 0;
    if (pending.size > 0) console.log(`migrations are behind the schema for: ${[...pending.keys()].join(', ')}; run \`npm run db:new-migration -- <name>\``);
    return 1;
  }
  if (pending.size === 0) {
    console.log('nothing to do: no migration written');
    return 0;
  }

  const stamp = nextTimestamp(PROVIDERS.flatMap((p) => readMigrations(migrationsDir(p)).map((m) => m.name)));
  for (const [provider, sql] of pending) {
    const dir = migrationsDir(provider);
    const folder = path.join(dir, `${stamp}_${name}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'migration.sql'), sql);
    console.log(`${provider}: wrote ${rel(path.join(folder, 'migration.sql'))}`);
    ensureLockFile(dir, provider);
  }
  if (pending.size < PROVIDERS.length) {
    console.log(`note: only ${[...pending.keys()].join(', ')} changed; check that is expected`);
  }
  console.log('review the SQL, then commit the new folder(s)');
  return 0;
}

/** Same normalisation as `prisma migrate dev --name`: lower snake case. */
function migrationName(raw: string): string {
  const name = raw.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 200);
  if (!name) throw new Error(`invalid migration name ${JSON.stringify(raw)}: use letters, digits and underscores`);
  return name;
}

/** UTC YYYYMMDDHHMMSS, like Prisma; bumped past the newest existing migration so order is always right. */
function nextTimestamp(existing: string[]): string {
  const format = (d: Date) => d.toISOString().replace(/\D/g, '').slice(0, 14);
  const newest = existing.map((n) => n.slice(0, 14)).filter((s) => /^\d{14}$/.test(s)).sort().at(-1);
  const now = format(new Date());
  if (!newest || now > newest) return now;
  const t = newest;
  const newestDate = new Date(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}Z`);
  return format(new Date(newestDate.getTime() + 1000));
}

function ensureLockFile(dir: string, provider: Provider): void {
  const file = path.join(dir, 'migration_lock.toml');
  if (existsSync(file)) {
    if (!readFileSync(file, 'utf8').includes(`provider = "${provider}"`)) console.warn(`warning: ${rel(file)} does not say provider = "${provider}"`);
    return;
  }
  writeFileSync(file, `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`);
  console.log(`${provider}: wrote ${rel(file)}`);
}

async function withScratchDatabase<T>(provider: Provider, use: (config: DatabaseConfig) => Promise<T>): Promise<T> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-migration-'));
    try {
      return await use({ provider: 'sqlite', file: path.join(dir, 'scratch.db'), synchronous: 'NORMAL' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `switchyard_migration_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  try {
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return await use({ provider: 'postgresql', url: url.toString() });
  } finally {
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot reach PostgreSQL at ${pgUrl} (set MIGRATION_PG_URL to a server where you may create databases): ${(err as Error).message}`);
  }
  try { await client.query(sql); } finally { await client.end(); }
}

main().then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(`db:new-migration failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
