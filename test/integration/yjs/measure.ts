// Measurements for the Yjs service (run: npx tsx test/integration/yjs/measure.ts):
//  1. time for an edit in one Node provider to arrive in another, through the server;
//  2. time to load a document of 1,000 stored updates, before and after compaction, both
//     from storage alone and as "connect a provider until synced" on a fresh service.
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { openDatabase } from '../../../server/db/client.ts';
import { migrateDatabase } from '../../../server/db/index.ts';
import { createMemoryYjsPersistence } from '../../../server/yjs/memory-persistence.ts';
import type { YjsPersistence } from '../../../server/yjs/persistence.ts';
import { createPrismaYjsPersistence } from '../../../server/yjs/prisma-persistence.ts';
import { databaseKinds, freshDatabase } from '../../helpers/databases.ts';
import { Providers, startYjsServer } from './harness.ts';

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(2);
  const mean = (s.reduce((a, b) => a + b, 0) / s.length).toFixed(2);
  return `n=${s.length} mean=${mean} p50=${at(0.5)} p95=${at(0.95)} p99=${at(0.99)} max=${at(1)} ms`;
}

async function editLatency(label: string, persistence: YjsPersistence, edits = 1000): Promise<void> {
  const server = await startYjsServer(persistence, { compactAfterRows: Number.POSITIVE_INFINITY });
  const providers = new Providers();
  try {
    const a = await providers.connectSynced(server.url, 'latency');
    const b = await providers.connectSynced(server.url, 'latency');
    const text = a.doc.getText('t');
    const samples: number[] = [];
    for (let i = 0; i < edits; i++) {
      const arrived = new Promise<void>((resolve) => b.doc.once('update', () => resolve()));
      const t0 = performance.now();
      text.insert(text.length, 'x');
      await arrived;
      samples.push(performance.now() - t0);
    }
    console.log(`edit a → b (${label}): ${stats(samples.slice(50))}`); // first 50 = warm-up
  } finally {
    providers.destroyAll();
    await server.stop();
  }
}

async function loadTimes(label: string, persistence: YjsPersistence, rowCount: () => Promise<number>): Promise<void> {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 1000; i++) {
    if (i % 2) doc.getArray<number>('a').push([i]);
    else doc.getText('t').insert(doc.getText('t').length, `edit ${i}; `);
  }
  for (const u of updates) await persistence.append('big', u);

  const measure = async (phase: string) => {
    const raw: number[] = [];
    const synced: number[] = [];
    for (let run = 0; run < 7; run++) {
      let t0 = performance.now();
      const loaded = new Y.Doc();
      const stored = await persistence.load('big');
      loaded.transact(() => stored.forEach((u) => Y.applyUpdate(loaded, u)));
      raw.push(performance.now() - t0);
      if (loaded.getArray('a').length !== 500) throw new Error('bad load');

      // No background compaction here: "before" must stay 1,000 rows.
      const server = await startYjsServer(persistence, { compactAfterRows: Number.POSITIVE_INFINITY });
      const providers = new Providers();
      t0 = performance.now();
      const p = providers.connect(server.url, 'big');
      await new Promise<void>((resolve) => p.once('sync', () => resolve()));
      synced.push(performance.now() - t0);
      if (p.doc.getText('t').toString() !== doc.getText('t').toString()) throw new Error('bad sync');
      providers.destroyAll();
      await server.stop();
    }
    const bytes = (await persistence.load('big')).reduce((n, u) => n + u.length, 0);
    console.log(`load 1000 updates (${label}, ${phase}: ${await rowCount()} rows, ${bytes} bytes)`);
    console.log(`  storage → Y.Doc:           ${stats(raw.slice(2))}`);
    console.log(`  connect → provider synced: ${stats(synced.slice(2))}`);
  };
  await measure('before compaction');
  const t0 = performance.now();
  const merged = await persistence.compact('big');
  console.log(`  compaction of ${merged} rows: ${(performance.now() - t0).toFixed(1)} ms`);
  await measure('after compaction');
}

await editLatency('memory persistence', createMemoryYjsPersistence());
const memory = createMemoryYjsPersistence();
await loadTimes('memory', memory, async () => memory.rowCount('big'));
for (const kind of databaseKinds) {
  const database = await freshDatabase(kind);
  await migrateDatabase(database.config);
  const db = await openDatabase(database.config);
  try {
    await editLatency(kind, createPrismaYjsPersistence(db));
    await loadTimes(kind, createPrismaYjsPersistence(db), () => db.yjsUpdate.count({ where: { docName: 'big' } }));
  } finally {
    await db.$disconnect();
    await database.drop();
  }
}
