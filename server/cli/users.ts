// switchyard users reset-password <email> — for a locked-out user, run on the server with its
// DATA_DIR / DATABASE_URL: sets a new random password, prints it once, ends every session.
import { createAccounts } from '../auth/accounts.ts';
import { loadConfig } from '../config.ts';
import { openMigratedDatabase } from '../db/index.ts';
import { UsageError } from './backend.ts';
import type { CliIo } from './io.ts';
import { parseArgs } from './runs.ts';

export const USERS_USAGE = `Usage: switchyard users reset-password <email> [--data-dir DIR]

  reset-password EMAIL   Give the account a new random password (printed once) and sign it
                         out everywhere. Works on the server's database (DATA_DIR, default ./data).
`;

export async function runUsers(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args);
  const [sub, email] = p.positional;
  if (!sub || p.flags.has('--help')) { io.out(USERS_USAGE); return sub ? 0 : 2; }
  if (sub !== 'reset-password') throw new UsageError(`unknown users command "${sub}"\n\n${USERS_USAGE}`);
  if (!email) throw new UsageError(`name the account: switchyard users reset-password <email>`);
  const dataDir = p.values.get('--data-dir')?.at(-1);
  const config = loadConfig({ ...process.env, ...(dataDir ? { DATA_DIR: dataDir } : {}) });
  const { db } = await openMigratedDatabase(config.database);
  try {
    const { password } = await createAccounts(db).resetPassword(email);
    io.out(`${password}\n`);
    io.err(`New password for ${email} (shown once; every session of the account was ended). Sign in with it, then change it.\n`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}
