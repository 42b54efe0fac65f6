// Yjs collaboration paths.
//  1. Edit relay: one keystroke from provider A until provider B has applied it, through the
//     server over real websockets. Baseline: applying the same update doc-to-doc in process
//     (what relaying costs on top of Yjs itself). Storage is off the relay path, so memory,
//     SQLite and PostgreSQL persistence should be close to each other.
//  2. Document load: reading a document of 1,000 stored updates into a Y.Doc, before and after
//     compaction merged them into one row. Baseline: replaying the updates from memory.
import * as Y from 'yjs';
import { openDatabase } from '../server/db/client.ts';
import { migrateDatabase } from '../server/db/index.ts';
import { createMemoryYjsPersistence } from '../server/yjs/memory-persistence.ts';
import type { YjsPersistence } from '../server/yjs/persistence.ts';
import { createPrismaYjsPersistence } from '../server/yjs/prisma-persistence.ts';
import { freshDatabase, type DatabaseKind } from '../test/helpers/databases.ts';
import { Providers, startYjsServer } from '../test/integration/yjs/harness.ts';
import { runSuite, type BenchCase } from './harness.ts';

interface Cleanup { (): Promise<void> }

async function relayCase(name: string, persistence: YjsPersistence, cleanups: Cleanup[]): Promise<BenchCase> {
  const server = await startYjsServer(persistence, { compactAfterRows: Number.POSITIVE_INFINITY });
  const providers = new Providers();
  const a = await providers.connectSynced(server.url, 'relay');
  const b = await providers.connectSynced(server.url, 'relay');
  cleanups.push(async () => { providers.destroyAll(); await server.stop(); });
  const text = a.doc.getText('t');
  return {
    name,
    async run(n) {
      for (let i = 0; i < n; i++) {
        const arrived = new Promise<void>((resolve) => b.doc.once('update', () => resolve()));
        text.insert(text.length, 'x');
        await arrived;
      }
    },
  };
}

function inProcessRelay(): BenchCase {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u));
  return { name: 'in-process Y.applyUpdate (no network)', async run(n) { for (let i = 0; i < n; i++) a.getText('t').insert(0, 'x'); } };
}

function thousandUpdates(): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 1000; i++) {
    if (i % 2) doc.getArray<number>('a').push([i]);
    else doc.getText('t').insert(doc.getText('t').length, `edit ${i}; `);
  }
  return updates;
}

function loadCase(name: string, load: () => Promise<Uint8Array[]>): BenchCase {
  return {
    name,
    async run(n) {
      for (let i = 0; i < n; i++) {
        const doc = new Y.Doc();
        const stored = await load();
        doc.transact(() => stored.forEach((u) => Y.applyUpdate(doc, u)));
        if (doc.getArray('a').length !== 500) throw new Error('document loaded wrongly');
      }
    },
  };
}

async function withDatabase(kind: DatabaseKind, cleanups: Cleanup[]): Promise<YjsPersistence | undefined> {
  const database = await freshDatabase(kind).catch(() => undefined);
  if (!database) { console.log(`(${kind} not reachable: its cases are left out)`); return undefined; }
  await migrateDatabase(database.config);
  const db = await openDatabase(database.config);
  cleanups.push(async () => { await db.$disconnect(); await database.drop(); });
  return createPrismaYjsPersistence(db);
}

export async function yjsBench(relayOps = 500, loadOps = 30): Promise<void> {
  const cleanups: Cleanup[] = [];
  try {
    const sqlite = await withDatabase('sqlite', cleanups);
    const postgres = await withDatabase('postgresql', cleanups);
    const relay: BenchCase[] = [inProcessRelay(), await relayCase('server relay, memory persistence', createMemoryYjsPersistence(), cleanups)];
    if (sqlite) relay.push(await relayCase('server relay, SQLite persistence', sqlite, cleanups));
    if (postgres) relay.push(await relayCase('server relay, PostgreSQL persistence', postgres, cleanups));
    await runSuite('Yjs edit relay (A types one character → B applied it)', relay, relayOps);

    const updates = thousandUpdates();
    const load: BenchCase[] = [loadCase('replay 1,000 updates from memory', async () => updates)];
    for (const [label, persistence] of [['SQLite', sqlite], ['PostgreSQL', postgres]] as const) {
      if (!persistence) continue;
      for (const u of updates) {
        await persistence.append('as-written', u);
        await persistence.append('compacted', u);
      }
      await persistence.compact('compacted');
      load.push(loadCase(`${label}: 1,000 rows, as written`, () => persistence.load('as-written')));
      load.push(loadCase(`${label}: 1 row, after compaction`, () => persistence.load('compacted')));
    }
    await runSuite('Yjs document load (1,000 stored updates)', load, loadOps);
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}
