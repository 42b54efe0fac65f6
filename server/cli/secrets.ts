// switchyard secrets list | set <NAME> | delete <NAME> — on the server's own database and key
// (DATA_DIR / DATABASE_URL / SECRET_KEY as the server reads them: default ./data), or on a
// running server with --server URL. A value is read from standard input or --value-file, never
// from the command line, where it would sit in shell history and the process list.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { loadConfig } from '../config.ts';
import { openMigratedDatabase } from '../db/index.ts';
import { silentLogger } from '../logger.ts';
import { createSecretCipher } from '../secrets/cipher.ts';
import { createSecretStore, secretNameSchema, secretValueSchema } from '../secrets/secret-store.ts';
import type { AppRouter } from '../trpc/router.ts';
import { UsageError } from './backend.ts';
import type { CliIo } from './io.ts';
import { parseArgs } from './runs.ts';

export const SECRETS_USAGE = `Usage: switchyard secrets <list | set NAME | delete NAME> [--server URL --token TOKEN] [--data-dir DIR]

  list           Names, versions and dates (never values).
  set NAME       Create the secret, or rotate it to a new value. The value is read from
                 standard input (printf %s "$TOKEN" | switchyard secrets set GITHUB_TOKEN) or
                 from --value-file FILE; a trailing newline is dropped.
  delete NAME    Delete it; steps that use it fail with SECRET_NOT_FOUND.

Without --server, works on the server's database and key in DATA_DIR (default ./data).
`;

interface SecretsApi {
  list(): Promise<{ name: string; version: number; updatedAt: string | Date }[]>;
  set(name: string, value: string): Promise<{ version: number }>;
  delete(name: string): Promise<void>;
  close(): Promise<void>;
}

async function localApi(dataDir: string | undefined): Promise<SecretsApi> {
  const config = loadConfig({ ...process.env, ...(dataDir ? { DATA_DIR: dataDir } : {}) });
  const { db } = await openMigratedDatabase(config.database);
  const store = createSecretStore({ db, cipher: createSecretCipher(config.secretKey), env: {}, log: silentLogger });
  return { list: () => store.list(), set: (n, v) => store.set(n, v), delete: (n) => store.delete(n), close: () => db.$disconnect() };
}

function remoteApi(server: string, token?: string): SecretsApi {
  const api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.replace(/\/+$/, '')}/api/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })] });
  return {
    list: () => api.secrets.list.query(),
    async set(name, value) {
      const exists = (await api.secrets.list.query()).some((s) => s.name === name);
      return exists ? api.secrets.rotate.mutate({ name, value }) : api.secrets.create.mutate({ name, value });
    },
    async delete(name) { await api.secrets.delete.mutate({ name }); },
    close: async () => {},
  };
}

function checked<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${what} ${r.error.issues[0]!.message}`);
  return r.data;
}

export async function runSecrets(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args);
  const [sub, name] = p.positional;
  if (!sub || p.flags.has('--help')) { io.out(SECRETS_USAGE); return sub ? 0 : 2; }
  const server = p.values.get('--server')?.at(-1) ?? process.env.SWITCHYARD_SERVER;
  const api = server ? remoteApi(server, p.values.get('--token')?.at(-1) ?? process.env.SWITCHYARD_TOKEN) : await localApi(p.values.get('--data-dir')?.at(-1));
  try {
    switch (sub) {
      case 'list': {
        const list = await api.list();
        if (list.length === 0) io.out('No secrets yet. Add one: printf %s "$VALUE" | switchyard secrets set NAME\n');
        for (const s of list) io.out(`${s.name.padEnd(32)} v${String(s.version).padEnd(4)} ${new Date(s.updatedAt).toISOString()}\n`);
        return 0;
      }
      case 'set': {
        const n = checked(secretNameSchema, name, 'the name');
        const file = p.values.get('--value-file')?.at(-1);
        const raw = file ? io.readFile(file) : io.readStdin();
        const value = checked(secretValueSchema, raw.replace(/\r?\n$/, ''), 'the value');
        const { version } = await api.set(n, value);
        io.err(`secret ${n} ${version === 1 ? 'created' : `rotated to version ${version}`}\n`);
        return 0;
      }
      case 'delete':
        await api.delete(checked(secretNameSchema, name, 'the name'));
        io.err(`secret ${name} deleted\n`);
        return 0;
      default:
        throw new UsageError(`unknown secrets command "${sub}"\n\n${SECRETS_USAGE}`);
    }
  } finally {
    await api.close();
  }
}
