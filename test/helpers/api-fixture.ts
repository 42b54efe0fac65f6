// A real server on a fresh database of one kind, with a typed tRPC client, for the length of a
// describe block; `workflows` are imported and published before the tests run.
import { afterAll, beforeAll } from 'vitest';
import { createTRPCClient } from '@trpc/client';
import type { AppRouter } from '../../server/trpc/router.ts';
import { freshDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';
import { apiClient, startTestServer, type TestServer } from './server.ts';
import { testRegistry } from './test-nodes.ts';
import { testRunners } from './test-runners.ts';

export type Api = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface ApiFixture { database: TestDatabase; server: TestServer; api: Api }

export function useApiServer(kind: DatabaseKind, workflows: Record<string, string>, options: Parameters<typeof startTestServer>[1] = {}): ApiFixture {
  const fx = {} as ApiFixture;
  beforeAll(async () => {
    fx.database = await freshDatabase(kind);
    fx.server = await startTestServer(kind, { registry: testRegistry(), runners: testRunners(), ...options, database: fx.database });
    fx.api = apiClient(fx.server.url, fx.server.token);
    for (const [id, yaml] of Object.entries(workflows)) {
      await fx.api.workflows.import.mutate({ yaml });
      await fx.api.versions.publish.mutate({ workflowId: id });
    }
  });
  afterAll(async () => { await fx.server?.stop(); await fx.database?.drop(); });
  return fx;
}
