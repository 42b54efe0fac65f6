// Opening the database = migrate it to this build's schema, then connect Prisma Client.
import type { DatabaseConfig } from '../config.ts';
import { openDatabase, type Db } from './client.ts';
import { migrate, type MigrateResult } from './migrate.ts';
import { openRaw } from './raw-connection.ts';

export type { Db } from './client.ts';

export async function migrateDatabase(config: DatabaseConfig): Promise<MigrateResult> {
  const conn = await openRaw(config);
  try {
    return await migrate(conn);
  } finally {
    await conn.close();
  }
}

export async function openMigratedDatabase(config: DatabaseConfig): Promise<{ db: Db; migrated: MigrateResult }> {
  const migrated = await migrateDatabase(config);
  return { db: await openDatabase(config), migrated };
}
