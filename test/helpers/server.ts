// Starts a real Switchyard server in-process (API, socket.io, Yjs; no Next.js) on a
// random port against a fresh database of the given kind.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createSwitchyard, type Switchyard, type SwitchyardOptions } from '../../server/app.ts';
import type { Role, Scope } from '../../server/auth/roles.ts';
import type { AppRouter } from '../../server/trpc/router.ts';
import { loadConfig } from '../../server/config.ts';
import { silentLogger } from '../../server/logger.ts';
import { freshDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';

export interface TestServer {
  app: Switchyard;
  url: string;
  database: TestDatabase;
  /** An owner's API token with every scope (absent with `auth: false`). */
  token?: string;
  /** A user of this role and an API token for them (scopes as wide as the role). */
  user(role: Role, email?: string): Promise<{ email: string; token: string }>;
  stop(): Promise<void>;
}

const SCOPE_OF: Record<Role, Scope> = { viewer: 'read', runner: 'run', editor: 'design', owner: 'admin' };
let users = 0;

/** A tRPC client for a server, as `token` (or anonymous). */
export function apiClient(url: string, token?: string) {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${url}/api/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })] });
}

/**
 * A running server on a fresh database. Unless `auth: false`, it has an owner already, whose
 * API token is `token` — tests call the API as a signed-in user, as every caller must.
 */
export async function startTestServer(kind: DatabaseKind, opts: Omit<SwitchyardOptions, 'ui' | 'log'> & { database?: TestDatabase; env?: Record<string, string>; auth?: boolean } = {}): Promise<TestServer> {
  const { database: given, env, auth = true, ...options } = opts;
  const database = given ?? (await freshDatabase(kind));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-data-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: database.url, NODE_ENV: 'test', ...env });
  const app = await createSwitchyard(config, { ui: false, log: silentLogger, ...options });
  const { url } = await app.listen();
  const accounts = app.context.accounts;
  let token: string | undefined;
  if (auth && (await accounts.needsSetup())) {
    const { user } = await accounts.setupOwner({ email: 'owner@switchyard.test', name: 'Test Owner', password: 'test owner password' });
    token = (await accounts.createApiToken(user.id, { name: 'tests', scopes: ['admin'] })).token;
  }
  return {
    app, url, database, token,
    async user(role, email = `${role}-${++users}@switchyard.test`) {
      const u = await app.context.db.user.create({ data: { email, name: email, role } });
      return { email, token: (await accounts.createApiToken(u.id, { name: 'tests', scopes: [SCOPE_OF[role]] })).token };
    },
    async stop() {
      await app.close();
      if (!given) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
