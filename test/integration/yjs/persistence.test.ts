// Yjs documents in a real database (fresh SQLite file and fresh PostgreSQL database):
// survival across restarts, background compaction, and compaction racing appends.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase, type Db } from '../../../server/db/client.ts';
import { migrateDatabase } from '../../../server/db/index.ts';
import { createPrismaYjsPersistence } from '../../../server/yjs/prisma-persistence.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { waitFor } from '../../helpers/wait.ts';
import { Providers, startYjsServer, type YjsTestServer } from './harness.ts';

/** `count` separate Yjs updates from one client, the i-th pushing i onto array 'a'. */
function pushUpdates(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < count; i++) doc.getArray<number>('a').push([i]);
  doc.destroy();
  return updates;
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

describe.each(databaseKinds)('yjs persistence on %s', (kind) => {
  let database: TestDatabase;
  const dbs: Db[] = [];
  const providers = new Providers();
  const servers: YjsTestServer[] = [];

  async function connect(): Promise<Db> {
    const db = await openDatabase(database.config);
    dbs.push(db);
    return db;
  }
  async function start(db: Db, opts = {}): Promise<YjsTestServer> {
    const server = await startYjsServer(createPrismaYjsPersistence(db), opts);
    servers.push(server);
    return server;
  }
  const rows = (db: Db, docName: string) => db.yjsUpdate.count({ where: { docName } });

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.config);
  });
  afterEach(async () => {
    providers.destroyAll();
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    await Promise.all(dbs.splice(0).map((db) => db.$disconnect()));
  });
  afterAll(async () => { await database?.drop(); });

  it('keeps every edit across a restart of the service and the database client', async () => {
    const first = await start(await connect());
    const a = await providers.connectSynced(first.url, 'restart');
    const b = await providers.connectSynced(first.url, 'restart');
    a.doc.getText('t').insert(0, 'survives');
    for (let i = 0; i < 50; i++) b.doc.getArray<number>('a').push([i]);
    await waitFor(() => a.doc.getArray('a').length === 50 && b.doc.getText('t').toString() === 'survives');
    providers.destroyAll();
    await first.stop();

    const second = await start(await connect());
    const c = await providers.connectSynced(second.url, 'restart');
    expect(c.doc.getText('t').toString()).toBe('survives');
    expect(c.doc.getArray('a').toArray()).toEqual(range(0, 50));
  });

  it('compacts a long log into one row without losing or duplicating content', async () => {
    const db = await connect();
    const persistence = createPrismaYjsPersistence(db);
    for (const u of pushUpdates(500)) await persistence.append('compact', u);
    expect(await rows(db, 'compact')).toBe(500);

    // Opening the document notices the long log and compacts it in the background.
    const server = await start(db, { compactAfterRows: 100 });
    const a = await providers.connectSynced(server.url, 'compact');
    expect(a.doc.getArray('a').length).toBe(500);
    await server.service.flush();
    expect(await rows(db, 'compact')).toBe(1);
    providers.destroyAll();
    await server.stop();

    const reloaded = new Y.Doc();
    for (const u of await persistence.load('compact')) Y.applyUpdate(reloaded, u);
    expect(reloaded.getArray('a').toArray()).toEqual(range(0, 500));

    const again = await start(db);
    const b = await providers.connectSynced(again.url, 'compact');
    expect(b.doc.getArray('a').toArray()).toEqual(range(0, 500));
  });

  it('compacts while edits keep arriving through the service', async () => {
    const db = await connect();
    const server = await start(db, { compactAfterRows: 20, batchMs: 0 });
    const a = await providers.connectSynced(server.url, 'live');
    const b = await providers.connectSynced(server.url, 'live');
    for (let i = 0; i < 300; i++) {
      a.doc.getArray<number>('a').push([i]);
      // A round trip per edit spreads them over many rows, so compactions overlap appends.
      await waitFor(() => b.doc.getArray('a').length === i + 1, { intervalMs: 1 });
    }
    await server.service.flush();
    expect(await rows(db, 'live')).toBeLessThan(40);
    providers.destroyAll();
    await server.stop();

    const again = await start(db);
    const c = await providers.connectSynced(again.url, 'live');
    expect(c.doc.getArray('a').toArray()).toEqual(range(0, 300));
  });

  it('keeps an append made while another transaction on the same client rolls back', async () => {
    const db = await connect();
    const persistence = createPrismaYjsPersistence(db);
    const [update] = pushUpdates(1);
    let appended: Promise<void> | undefined;
    const rolledBack = db.$transaction(async (tx) => {
      await tx.yjsUpdate.create({ data: { docName: 'other', update: new Uint8Array([0, 0]) } });
      appended = persistence.append('neighbour', update!);
      // A few round trips give a plain insert every chance to run on this transaction's connection.
      for (let i = 0; i < 5; i++) await tx.yjsUpdate.count();
      throw new Error('roll back');
    });
    await expect(rolledBack).rejects.toThrow('roll back');
    await appended;
    expect(await rows(db, 'neighbour')).toBe(1);
    expect(await rows(db, 'other')).toBe(0);
  });

  it('loses nothing when two compactions race each other and concurrent appends', async () => {
    const db = await connect();
    // On PostgreSQL a second client stands for a second process. Two SQLite clients in one
    // process would deadlock until the busy timeout: better-sqlite3 waits for the lock
    // synchronously, so the holder can never commit. One client still races the two calls.
    const other = kind === 'postgresql' ? await connect() : db;
    const p1 = createPrismaYjsPersistence(db);
    const p2 = createPrismaYjsPersistence(other);
    const updates = pushUpdates(250);
    for (const u of updates.slice(0, 200)) await p1.append('race', u);

    const late = updates.slice(200);
    const results = await Promise.allSettled([
      p1.compact('race'),
      p2.compact('race'),
      (async () => { for (const u of late) await p2.append('race', u); })(),
    ]);
    const [c1, c2, appended] = results;
    expect(appended.status).toBe('fulfilled');
    const committed = [c1, c2].filter((r) => r.status === 'fulfilled' && r.value > 0);
    expect(committed.length).toBeGreaterThanOrEqual(1);

    const doc = new Y.Doc();
    for (const u of await p1.load('race')) Y.applyUpdate(doc, u);
    expect(doc.getArray('a').toArray()).toEqual(range(0, 250));
    await p1.compact('race');
    expect(await rows(db, 'race')).toBe(1);
  });
});
