// `npm run db:migrate`: apply pending migrations to the configured database and exit.
// (The server also does this at start-up.)
import { ConfigError, loadConfig } from '../server/config.ts';
import { migrateDatabase } from '../server/db/index.ts';

try {
  const config = loadConfig();
  const { applied, alreadyApplied } = await migrateDatabase(config.database);
  const where = config.database.provider === 'sqlite' ? config.database.file : 'PostgreSQL';
  console.log(applied.length ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(', ')}` : `${where} is up to date (${alreadyApplied} migrations applied).`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Migration failed: ${(err as Error).message}`);
  process.exit(1);
}
