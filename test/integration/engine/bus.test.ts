// The in-process event bus, on both databases: every journaled event is published once, in
// sequence order per run, and only after it is durable — a listener that reads the journal
// the moment it hears of event n finds it there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../../../server/engine/run-service.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { testRegistry } from '../../helpers/test-nodes.ts';
import { testRunners } from '../../helpers/test-runners.ts';

const fanOut = `apiVersion: switchyard/v1
id: fan
name: Fan
steps:
  - { id: a, type: echo }
  - { id: b1, type: echo, needs: [a] }
  - { id: b2, type: echo, needs: [a] }
  - { id: b3, type: echo, needs: [a] }
  - { id: c, type: join, needs: [b1, b2, b3], with: { mode: all } }
`;

describe.each(databaseKinds)('the run event bus on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    server = await startTestServer(kind, { database, registry: testRegistry(), runners: testRunners() });
    await server.app.context.workflows.import(fanOut);
    await server.app.context.versions.publish('fan');
  });
  afterAll(async () => { await server?.stop(); await database?.drop(); });

  it('publishes every journaled event once, in order, after it is durable', async () => {
    const { runs, journal } = server.app.context;
    const heard: PublishedEvent[] = [];
    const durableWhenHeard: Promise<boolean>[] = [];
    const listener = (e: PublishedEvent) => {
      heard.push(e);
      durableWhenHeard.push(journal.read(e.runId, e.seq - 1, 1).then((rows) => rows[0]?.seq === e.seq));
    };
    runs.bus.on('event', listener);
    try {
      const started = await Promise.all([runs.start({ workflowId: 'fan' }), runs.start({ workflowId: 'fan' })]);
      await Promise.all(started.map((r) => runs.waitFor(r.runId)));
      for (const { runId } of started) {
        const mine = heard.filter((e) => e.runId === runId);
        const journaled = await journal.read(runId);
        expect(mine.map((e) => e.seq)).toEqual(journaled.map((e) => e.seq));
        expect(mine.map((e) => e.type)).toEqual(journaled.map((e) => e.type));
        expect(mine.at(-1)?.type).toBe('run.completed');
      }
      expect(await Promise.all(durableWhenHeard)).not.toContain(false);
    } finally {
      runs.bus.off('event', listener);
    }
  });
});
