// Circuit breakers on both databases: the state machine against a controlled clock, and
// through a real server — a target that keeps failing opens its breaker, later calls fail fast
// without running, the state is visible over tRPC, and a probe closes it once the target is up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient } from '@trpc/client';
import { openDatabase, type Db } from '../../../server/db/client.ts';
import { migrateDatabase } from '../../../server/db/index.ts';
import { createCircuitBreakers, type BreakerPolicy } from '../../../server/engine/circuit-breaker.ts';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { startTestServer, type TestServer, apiClient } from '../../helpers/server.ts';
import { testRegistry } from '../../helpers/test-nodes.ts';
import { downTargets, testRunners, type Ledger } from '../../helpers/test-runners.ts';
import { waitFor } from '../../helpers/wait.ts';

const policy: BreakerPolicy = { failures: 3, windowMs: 60_000, openForMs: 30_000 };

describe.each(databaseKinds)('circuit breakers on %s', (kind) => {
  let database: TestDatabase;
  let db: Db;
  let clock = 1_000_000;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.config);
    db = await openDatabase(database.config);
  });
  afterAll(async () => { await db?.$disconnect(); await database?.drop(); });

  it('opens after N failures in the window; old failures expire', async () => {
    const b = createCircuitBreakers(db, () => clock);
    const t = 'http:a';
    await b.record(t, policy, 'failure', false);
    await b.record(t, policy, 'failure', false);
    clock += 61_000; // both fall out of the window
    await b.record(t, policy, 'failure', false);
    expect(await b.admit(t, policy)).toEqual({ allowed: true, probe: false });
    await b.record(t, policy, 'failure', false);
    await b.record(t, policy, 'success', false);
    await b.record(t, policy, 'failure', false);
    expect(await b.admit(t, policy)).toEqual({ allowed: false, until: new Date(clock + 30_000) });
  });

  it('half-opens after openFor for exactly one probe; success closes, failure reopens', async () => {
    const b = createCircuitBreakers(db, () => clock);
    const t = 'http:b';
    for (let i = 0; i < 3; i++) await b.record(t, policy, 'failure', false);
    clock += 30_000;
    const [first, second] = await Promise.all([b.admit(t, policy), b.admit(t, policy)]);
    expect([first, second].filter((a) => a.allowed)).toEqual([{ allowed: true, probe: true }]);
    await b.record(t, policy, 'failure', true);
    expect((await b.admit(t, policy)).allowed).toBe(false);
    clock += 30_000;
    const probe = await b.admit(t, policy);
    expect(probe).toEqual({ allowed: true, probe: true });
    // A cancelled probe is handed back: the next caller may probe at once.
    await b.record(t, policy, 'ignored', true);
    expect(await b.admit(t, policy)).toEqual({ allowed: true, probe: true });
    await b.record(t, policy, 'success', true);
    expect(await b.admit(t, policy)).toEqual({ allowed: true, probe: false });
    expect((await b.list()).find((r) => r.target === t)).toMatchObject({ state: 'closed', failures: 0 });
  });
});

describe.each(databaseKinds)('circuit breakers through the engine on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let api: ReturnType<typeof createTRPCClient<AppRouter>>;
  const ledger: Ledger = { entries: [] };
  const target = `api-${kind}.example.test`;

  const call = async (fatal = false) => {
    const { runId } = await api.runs.start.mutate({ workflowId: 'call', inputs: { fatal } });
    await server.app.context.runs.waitFor(runId);
    const run = await api.runs.get.query({ runId });
    return { runId, error: (run.steps[0]?.error ?? undefined) as { code: string; message: string } | undefined, ran: ledger.entries.some((e) => e.runId === runId) };
  };

  beforeAll(async () => {
    database = await freshDatabase(kind);
    server = await startTestServer(kind, { database, registry: testRegistry(), runners: testRunners(ledger) });
    api = apiClient(server.url, server.token);
    await api.workflows.import.mutate({ yaml: `apiVersion: switchyard/v1\nid: call\nname: Call\ninputs:\n  fatal: { type: boolean, default: false }\nsteps:\n  - { id: hit, type: flaky, with: { target: ${target}, fatal: "\${{ inputs.fatal }}" } }\n` });
    await api.versions.publish.mutate({ workflowId: 'call' });
  });
  afterAll(async () => { await server?.stop(); await database?.drop(); });

  it('fails fast without running the step while open, shows it, and closes after a good probe', async () => {
    downTargets.add(target);
    // A refusal (non-retryable) says the target is up: it does not count.
    expect((await call(true)).error?.code).toBe('BAD_REQUEST');
    for (let i = 0; i < 3; i++) expect((await call()).error?.code).toBe('UNAVAILABLE');
    const fast = await call();
    expect(fast.error?.code).toBe('CIRCUIT_OPEN');
    expect(fast.error?.message).toContain(`flaky:${target}`);
    expect(fast.ran).toBe(false);
    expect((await api.breakers.list.query()).find((b) => b.target === `flaky:${target}`)).toMatchObject({ state: 'open', failures: 3 });

    downTargets.delete(target);
    // openFor is 1 s for the flaky node: wait until a call is let through as the probe.
    const probe = await waitFor(async () => { const c = await call(); return c.ran ? c : undefined; }, { what: 'the breaker to half-open', timeoutMs: 10_000, intervalMs: 200 });
    expect(probe.error).toBeUndefined();
    // Its record's one-line summary comes from the node type's summary of the config.
    expect((await api.runs.get.query({ runId: probe.runId })).steps[0]?.summary).toBe(`call ${target}`);
    expect((await api.breakers.list.query()).find((b) => b.target === `flaky:${target}`)).toMatchObject({ state: 'closed' });
    await api.breakers.reset.mutate({ target: `flaky:${target}` });
    expect(await api.breakers.list.query()).toEqual([]);
  });
});
