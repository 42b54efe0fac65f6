// The real entry point as a child process: start-up, configuration errors and graceful
// shutdown within the 5 s budget, with live websocket clients attached.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { authedWebSocket, ownerToken, repoRoot, startServerProcess, type ServerProcess } from '../../helpers/server-process.ts';
import { once, waitFor } from '../../helpers/wait.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'switchyard-proc-'));
let proc: ServerProcess | undefined;
afterEach(async () => { await proc?.stop('SIGKILL'); proc = undefined; });

describe('server process', () => {
  it('starts on an empty DATA_DIR, creates the database, and shuts down on SIGTERM within 5 s with clients connected', async () => {
    const dataDir = tmp();
    proc = await startServerProcess({ DATA_DIR: dataDir }, ['--no-ui']);
    const health = await (await fetch(`${proc.url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: { provider: 'sqlite', reachable: true } });

    const token = await ownerToken(proc.url);
    const socket = ioClient(proc.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { authorization: `Bearer ${token}` } });
    await once(socket, 'server:hello');
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${proc.url.replace('http', 'ws')}/yjs`, 'shutdown-room', doc, {
      WebSocketPolyfill: authedWebSocket(token), disableBc: true, connect: true,
    });
    await waitFor(() => provider.synced, { what: 'yjs sync' });
    doc.getMap('m').set('k', 'written before shutdown');
    provider.shouldConnect = false;

    const { code, ms } = await proc.stop('SIGTERM');
    provider.destroy();
    socket.disconnect();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(proc.output()).toContain('shutdown complete');

    // The edit acknowledged before SIGTERM was persisted.
    proc = await startServerProcess({ DATA_DIR: dataDir }, ['--no-ui']);
    const doc2 = new Y.Doc();
    const provider2 = new WebsocketProvider(`${proc.url.replace('http', 'ws')}/yjs`, 'shutdown-room', doc2, {
      WebSocketPolyfill: authedWebSocket(token), disableBc: true, // the owner's token survives the restart
    });
    try {
      await waitFor(() => doc2.getMap('m').get('k') === 'written before shutdown', { what: 'persisted edit' });
    } finally {
      provider2.destroy();
    }
  });

  it('also shuts down gracefully on SIGINT', async () => {
    proc = await startServerProcess({ DATA_DIR: tmp() }, ['--no-ui']);
    const { code, ms } = await proc.stop('SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });

  it.each([
    ['PORT', 'not-a-port'],
    ['DATABASE_URL', 'mysql://nope'],
    ['HOST', ''],
  ])('refuses to start with a bad %s and names it', (name, value) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/index.ts', '--no-ui'], {
      cwd: repoRoot, env: { ...process.env, DATA_DIR: tmp(), [name]: value }, encoding: 'utf8', timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${name}=`);
    expect(r.stderr).toContain('Invalid configuration');
  });
});
