// The y-websocket protocol end to end: real HTTP server, real sockets, the stock
// WebsocketProvider on the client side, in-memory persistence.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createMemoryYjsPersistence } from '../../../server/yjs/memory-persistence.ts';
import type { YjsPersistence } from '../../../server/yjs/persistence.ts';
import { encodeAwareness } from '../../../server/yjs/protocol.ts';
import { once, waitFor } from '../../helpers/wait.ts';
import { Providers, startYjsServer, type YjsTestServer } from './harness.ts';

const providers = new Providers();
const servers: YjsTestServer[] = [];
const rawSockets: WebSocket[] = [];

async function start(persistence: YjsPersistence = createMemoryYjsPersistence(), opts = {}): Promise<YjsTestServer> {
  const server = await startYjsServer(persistence, opts);
  servers.push(server);
  return server;
}

afterEach(async () => {
  providers.destroyAll();
  for (const ws of rawSockets.splice(0)) ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** The server's document as stored, rebuilt from persistence. */
async function storedDoc(persistence: YjsPersistence, name: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  for (const update of await persistence.load(name)) Y.applyUpdate(doc, update);
  return doc;
}

describe('yjs websocket service', () => {
  it('syncs edits both ways between two providers and to a late joiner', async () => {
    const { url } = await start();
    const a = await providers.connectSynced(url, 'room-1');
    const b = await providers.connectSynced(url, 'room-1');

    a.doc.getText('t').insert(0, 'hello');
    await waitFor(() => b.doc.getText('t').toString() === 'hello', { what: 'a → b' });
    b.doc.getMap('m').set('k', 42);
    await waitFor(() => a.doc.getMap('m').get('k') === 42, { what: 'b → a' });

    const late = await providers.connectSynced(url, 'room-1');
    expect(late.doc.getText('t').toString()).toBe('hello');
    expect(late.doc.getMap('m').get('k')).toBe(42);
  });

  it('keeps rooms apart', async () => {
    const { url } = await start();
    const a = await providers.connectSynced(url, 'left');
    const b = await providers.connectSynced(url, 'right');
    a.doc.getText('t').insert(0, 'only left');
    const c = await providers.connectSynced(url, 'left');
    await waitFor(() => c.doc.getText('t').toString() === 'only left');
    expect(b.doc.getText('t').toString()).toBe('');
  });

  it('relays awareness and removes it for everyone when its connection closes', async () => {
    const { url } = await start();
    const a = await providers.connectSynced(url, 'aw');
    const b = await providers.connectSynced(url, 'aw');
    a.awareness.setLocalStateField('user', { name: 'Ada' });
    await waitFor(() => (b.awareness.getStates().get(a.doc.clientID) as { user?: { name: string } } | undefined)?.user?.name === 'Ada');

    a.destroy();
    await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), { what: 'awareness removal' });
  });

  it('ignores edits from read-only connections but keeps them in sync and relays their awareness', async () => {
    const persistence = createMemoryYjsPersistence();
    const server = await start(persistence);
    const viewer = await providers.connectSynced(server.url, 'ro', { readOnly: true });
    const editor = await providers.connectSynced(server.url, 'ro');

    viewer.doc.getText('t').insert(0, 'viewer-edit ');
    // Awareness follows the edit on the same socket: once it arrives, the edit was handled.
    viewer.awareness.setLocalStateField('marker', 1);
    await waitFor(() => editor.awareness.getStates().get(viewer.doc.clientID)?.marker === 1, { what: 'viewer awareness' });
    expect(editor.doc.getText('t').toString()).toBe('');

    editor.doc.getText('t').insert(0, 'editor-edit');
    await waitFor(() => viewer.doc.getText('t').toString().includes('editor-edit'), { what: 'edit reaching viewer' });

    await server.service.flush();
    expect((await storedDoc(persistence, 'ro')).getText('t').toString()).toBe('editor-edit');
    const fresh = await providers.connectSynced(server.url, 'ro');
    expect(fresh.doc.getText('t').toString()).toBe('editor-edit');
  });

  it('holds connections until the stored document is loaded', async () => {
    const memory = createMemoryYjsPersistence();
    const seed = new Y.Doc();
    seed.getText('t').insert(0, 'stored');
    await memory.append('slow', Y.encodeStateAsUpdate(seed));
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const slow: YjsPersistence = { ...memory, load: async (name) => { await gate; return memory.load(name); } };
    const server = await start(slow);

    const p = providers.connect(server.url, 'slow');
    const textAtSync = new Promise<string>((resolve) => p.on('sync', () => resolve(p.doc.getText('t').toString())));
    await waitFor(() => p.wsconnected, { what: 'socket open' });
    expect(server.service.roomCount()).toBe(1);
    expect(p.synced).toBe(false);
    release();
    expect(await textAtSync).toBe('stored');
  });

  it('unloads a room when its last connection leaves and reloads it from storage', async () => {
    const persistence = createMemoryYjsPersistence();
    const server = await start(persistence);
    const a = await providers.connectSynced(server.url, 'cycle');
    a.doc.getArray<number>('a').push([1, 2, 3]);
    await waitFor(() => persistence.rowCount('cycle') > 0, { what: 'row written' });
    providers.destroyAll();
    await waitFor(() => server.service.roomCount() === 0, { what: 'room unloaded' });

    const b = await providers.connectSynced(server.url, 'cycle');
    expect(b.doc.getArray<number>('a').toArray()).toEqual([1, 2, 3]);
  });

  it('serves updates that are not written yet to a room reopened meanwhile', async () => {
    const memory = createMemoryYjsPersistence();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const stuck: YjsPersistence = { ...memory, append: async (name, u) => { await gate; return memory.append(name, u); } };
    const server = await start(stuck);
    const a = await providers.connectSynced(server.url, 'reopen');
    const b = await providers.connectSynced(server.url, 'reopen');
    a.doc.getText('t').insert(0, 'unwritten');
    await waitFor(() => b.doc.getText('t').toString() === 'unwritten');
    providers.destroyAll();
    await waitFor(() => server.service.roomCount() === 0);
    expect(memory.rowCount('reopen')).toBe(0);

    const c = await providers.connectSynced(server.url, 'reopen');
    expect(c.doc.getText('t').toString()).toBe('unwritten');
    release();
    await server.service.flush();
    expect((await storedDoc(memory, 'reopen')).getText('t').toString()).toBe('unwritten');
  });

  it('writes batched updates before close() resolves', async () => {
    const persistence = createMemoryYjsPersistence();
    const server = await start(persistence, { batchMs: 60_000 });
    const a = await providers.connectSynced(server.url, 'batched');
    const b = await providers.connectSynced(server.url, 'batched');
    for (let i = 0; i < 20; i++) a.doc.getArray<number>('a').push([i]);
    await waitFor(() => b.doc.getArray('a').length === 20);
    expect(persistence.rowCount('batched')).toBe(0);

    await server.stop();
    expect(persistence.rowCount('batched')).toBe(1);
    expect((await storedDoc(persistence, 'batched')).getArray('a').length).toBe(20);
  });

  it('retries failed writes', async () => {
    const memory = createMemoryYjsPersistence();
    let failures = 2;
    const flaky: YjsPersistence = {
      ...memory,
      append: async (name, u) => {
        if (failures-- > 0) throw new Error('database down');
        return memory.append(name, u);
      },
    };
    const server = await start(flaky);
    const a = await providers.connectSynced(server.url, 'flaky');
    a.doc.getText('t').insert(0, 'persist me');
    await waitFor(() => memory.rowCount('flaky') > 0, { what: 'retried write' });
    await server.stop();
    expect((await storedDoc(memory, 'flaky')).getText('t').toString()).toBe('persist me');
  });

  it('drops a peer that stops answering pings and removes its awareness', async () => {
    const server = await start(createMemoryYjsPersistence(), { keepAliveMs: 50 });
    const observer = await providers.connectSynced(server.url, 'dead');
    const ghost = new WebSocket(`${server.url}/dead`, { autoPong: false });
    rawSockets.push(ghost);
    await once(ghost, 'open');
    const ghostAwareness = new Awareness(new Y.Doc());
    ghostAwareness.setLocalState({ name: 'ghost' });
    ghost.send(encodeAwareness(ghostAwareness, [ghostAwareness.clientID]));
    await waitFor(() => observer.awareness.getStates().has(ghostAwareness.clientID), { what: 'ghost visible' });

    const closed = once<number>(ghost, 'close');
    await waitFor(() => !observer.awareness.getStates().has(ghostAwareness.clientID), { what: 'ghost removed' });
    expect(await closed).toBe(1006);
    expect(observer.wsconnected).toBe(true);
    ghostAwareness.doc.destroy();
  });

  it('closes connections that send text frames or malformed messages', async () => {
    const server = await start();
    const text = new WebSocket(`${server.url}/bad`);
    const garbage = new WebSocket(`${server.url}/bad`);
    rawSockets.push(text, garbage);
    await Promise.all([once(text, 'open'), once(garbage, 'open')]);
    const textClosed = once<number>(text, 'close');
    const garbageClosed = once<number>(garbage, 'close');
    text.send('hello');
    garbage.send(new Uint8Array([0, 2, 200])); // sync update whose length runs past the end
    expect(await textClosed).toBe(1003);
    expect(await garbageClosed).toBe(1007);
    await waitFor(() => server.service.roomCount() === 0);
  });

  it('refuses upgrades after close', async () => {
    const server = await start();
    await server.service.close();
    const ws = new WebSocket(`${server.url}/late`);
    rawSockets.push(ws);
    const err = await once<Error>(ws, 'error');
    expect(err.message).toMatch(/503/);
  });
});
