// One HTTP server hosts the health check, tRPC, socket.io and the Yjs websocket, on both
// databases. Everything here goes over real sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { io as ioClient } from 'socket.io-client';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import WebSocket from 'ws';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { databaseKinds } from '../../helpers/databases.ts';
import { startTestServer, type TestServer, apiClient } from '../../helpers/server.ts';
import { once, waitFor } from '../../helpers/wait.ts';
import { authedWebSocket } from '../../helpers/server-process.ts';

describe.each(databaseKinds)('one server on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer(kind); });
  afterAll(async () => { await server?.stop(); });

  const trpc = () => apiClient(server.url, server.token);

  it('answers /api/health with status, version and a reachable database', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', database: { provider: kind, reachable: true } });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses other methods on /api/health', async () => {
    expect((await fetch(`${server.url}/api/health`, { method: 'POST' })).status).toBe(405);
  });

  it('creates, lists, reads and deletes a workflow over tRPC', async () => {
    const client = trpc();
    const created = await client.workflows.create.mutate({ name: `  Deploy ${kind}  ` });
    expect(created.name).toBe(`Deploy ${kind}`);
    const list = await client.workflows.list.query({ search: 'Deploy' });
    expect(list.map((w) => w.id)).toContain(created.id);
    expect(typeof list[0]?.updatedAt).toBe('string');
    const one = await client.workflows.get.query({ id: created.id });
    expect(one.yaml).toContain('apiVersion: switchyard/v1');
    expect(one.id).toBe(`deploy-${kind}`);
    await client.workflows.delete.mutate({ id: created.id });
    await expect(client.workflows.get.query({ id: created.id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND', httpStatus: 404 } });
  });

  it('rejects bad tRPC input with a 400 naming the field', async () => {
    const err = await trpc().workflows.create.mutate({ name: '   ' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    const data = (err as TRPCClientError<AppRouter>).data;
    expect(data?.httpStatus).toBe(400);
    expect(data?.zodError?.fieldErrors).toMatchObject({ name: ['Give the workflow a name'] });
  });

  it('returns 404 for unknown procedures and a JSON error for malformed batches', async () => {
    expect((await fetch(`${server.url}/api/trpc/nope.nothing`)).status).toBe(404);
    const res = await fetch(`${server.url}/api/trpc/workflows.create`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` }, body: '{not json' });
    expect(res.status).toBe(400);
  });

  it('connects a socket.io client that receives the server hello and answers a ping', async () => {
    const socket = ioClient(server.url, { path: '/socket.io', transports: ['websocket'], forceNew: true, extraHeaders: { authorization: `Bearer ${server.token}` } });
    try {
      const hello = await once<{ version: string; serverTime: string }>(socket, 'server:hello');
      expect(hello.version).toMatch(/^\d+\.\d+\.\d+/);
      const reply = await socket.timeout(5000).emitWithAck('system:ping');
      expect(Date.parse(reply.serverTime)).not.toBeNaN();
    } finally {
      socket.disconnect();
    }
  });

  it('also serves socket.io over HTTP long-polling', async () => {
    const socket = ioClient(server.url, { path: '/socket.io', transports: ['polling'], forceNew: true, extraHeaders: { authorization: `Bearer ${server.token}` } });
    try {
      await once(socket, 'server:hello');
    } finally {
      socket.disconnect();
    }
  });

  it('refuses anonymous socket.io and Yjs connections; a viewer\'s Yjs connection is read-only', async () => {
    for (const transport of ['websocket', 'polling']) {
      const anonymous = ioClient(server.url, { path: '/socket.io', transports: [transport], forceNew: true, reconnection: false });
      const error = await once<Error>(anonymous, 'connect_error');
      expect(error.message).toBeTruthy();
      anonymous.disconnect();
    }
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/private-room`);
    const status = await new Promise<number | undefined>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode)));
    ws.on('error', () => { /* refused, as it should be */ });
    expect(status).toBe(401);

    const room = `viewer-room-${Math.random().toString(36).slice(2)}`;
    const viewer = await server.user('viewer');
    const connect = (token: string) => {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(`${server.url.replace('http', 'ws')}/yjs`, room, doc, { WebSocketPolyfill: authedWebSocket(token), disableBc: true });
      return { doc, provider };
    };
    const owner = connect(server.token!);
    const reader = connect(viewer.token);
    try {
      await waitFor(() => owner.provider.synced && reader.provider.synced, { what: 'both providers to sync' });
      reader.doc.getMap('m').set('from', 'viewer');
      owner.doc.getMap('m').set('by', 'owner');
      await waitFor(() => reader.doc.getMap('m').get('by') === 'owner', { what: "the owner's edit to reach the viewer" });
      // One more round trip, so the server has long handled the viewer's earlier update.
      owner.doc.getMap('m').set('after', true);
      await waitFor(() => reader.doc.getMap('m').get('after') === true, { what: "the owner's second edit to reach the viewer" });
      expect(owner.doc.getMap('m').get('from')).toBeUndefined();
    } finally {
      for (const c of [owner, reader]) { c.provider.destroy(); c.doc.destroy(); }
    }
  });

  it('rejects websocket upgrades on unknown paths with 404', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/not-a-socket`);
    const status = await new Promise<number | undefined>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode)));
    expect(status).toBe(404);
    ws.on('error', () => { /* the server closed it, as it should */ });
  });

  it('answers other paths with 404 when the UI is off', async () => {
    expect((await fetch(`${server.url}/anything`)).status).toBe(404);
  });
});
