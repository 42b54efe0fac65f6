// Opens Prisma Client for the configured database through a driver adapter (no Rust
// engine). Both generated clients have the same models, so the PostgreSQL one is
// exposed under the SQLite client's type.
import type { PrismaClient as SqlitePrismaClient } from '../../prisma/generated/sqlite/client.ts';
import type { DatabaseConfig } from '../config.ts';
import { serializeAdapterFactory } from './serialized-adapter.ts';

export type Db = SqlitePrismaClient;

export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  if (config.provider === 'sqlite') {
    const [{ PrismaClient }, { PrismaBetterSqlite3 }] = await Promise.all([
      import('../../prisma/generated/sqlite/client.ts'),
      import('@prisma/adapter-better-sqlite3'),
    ]);
    // One connection, shared: serialise statements around transactions (see serialized-adapter.ts).
    const adapter = serializeAdapterFactory(new PrismaBetterSqlite3({ url: config.file, timeout: 5000 }));
    const db = new PrismaClient({ adapter });
    // WAL + NORMAL: a killed process loses no committed transaction (only power loss can
    // drop the last commits); FULL fsyncs every commit. journal_mode persists in the file,
    // the others are per connection, and the adapter keeps a single connection.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$executeRawUnsafe(`PRAGMA synchronous = ${config.synchronous}`);
    await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
    return db;
  }
  const [{ PrismaClient }, { PrismaPg }] = await Promise.all([
    import('../../prisma/generated/postgres/client.ts'),
    import('@prisma/adapter-pg'),
  ]);
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: config.url }) }) as unknown as Db;
}

/** True when a trivial query succeeds within the timeout. */
export async function isDatabaseReachable(db: Db, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
  try {
    return await Promise.race([db.$queryRawUnsafe('SELECT 1').then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
