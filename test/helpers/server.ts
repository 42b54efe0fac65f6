// Starts a real Switchyard server in-process (API, socket.io, Yjs; no Next.js) on a
// random port against a fresh database of the given kind.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSwitchyard, type Switchyard, type SwitchyardOptions } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { silentLogger } from '../../server/logger.ts';
import { freshDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';

export interface TestServer {
  app: Switchyard;
  url: string;
  database: TestDatabase;
  stop(): Promise<void>;
}

export async function startTestServer(kind: DatabaseKind, opts: Omit<SwitchyardOptions, 'ui' | 'log'> & { database?: TestDatabase; env?: Record<string, string> } = {}): Promise<TestServer> {
  const { database: given, env, ...options } = opts;
  const database = given ?? (await freshDatabase(kind));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-data-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: database.url, NODE_ENV: 'test', ...env });
  const app = await createSwitchyard(config, { ui: false, log: silentLogger, ...options });
  const { url } = await app.listen();
  return {
    app, url, database,
    async stop() {
      await app.close();
      if (!given) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
