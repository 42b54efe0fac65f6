// Cross-site requests and DNS rebinding against the real server: the API, socket.io and the
// Yjs endpoint refuse a browser on another origin and a Host that is not this machine, and
// let same-origin pages and origin-less clients (the CLI) through.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.ts';

function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The status line a websocket upgrade gets (101 when accepted). */
function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers } });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0); });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(0) : reject(err)));
    req.end();
  });
}

describe('origin checks on the real server', () => {
  let server: TestServer;
  let host: string;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { ALLOWED_ORIGINS: 'https://portal.example.com' } });
    host = new URL(server.url).host;
  });
  afterAll(async () => { await server?.stop(); });

  const mutation = (headers: Record<string, string>) => request(`${server.url}/api/trpc/workflows.create`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, ...headers }, body: JSON.stringify({ name: `From ${headers.origin ?? 'cli'} ${Math.random()}` }),
  });

  it('accepts mutations from this origin, an allowed one, and clients without an Origin', async () => {
    expect((await mutation({ origin: server.url })).status).toBe(200);
    expect((await mutation({ origin: 'https://portal.example.com' })).status).toBe(200);
    expect((await mutation({})).status).toBe(200);
  });

  it('refuses a mutation from another site, and creates nothing', async () => {
    const before = await server.app.context.db.workflow.count();
    const refused = await mutation({ origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('origin https://evil.example is not this server');
    expect((await mutation({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(await server.app.context.db.workflow.count()).toBe(before);
  });

  it('refuses a Host that is not this machine (DNS rebinding), but not the health check', async () => {
    const rebound = await request(`${server.url}/api/trpc/workflows.list`, { headers: { host: 'rebind.evil.example', origin: 'http://rebind.evil.example' } });
    expect(rebound.status).toBe(421);
    expect(rebound.body).toContain('PUBLIC_URL');
    expect((await request(`${server.url}/api/health`, { headers: { host: 'rebind.evil.example' } })).status).toBe(200);
  });

  it('accepts websocket upgrades from this origin and refuses them from another site', async () => {
    for (const path of ['/socket.io/?EIO=4&transport=websocket', `/yjs/room-${Math.random().toString(36).slice(2)}`]) {
      const signedIn = { authorization: `Bearer ${server.token}` };
      expect(await upgrade(`${server.url}${path}`, { ...signedIn, origin: `http://${host}` })).toBe(101);
      expect(await upgrade(`${server.url}${path}`, signedIn)).toBe(101);
      expect(await upgrade(`${server.url}${path}`, { origin: 'https://evil.example' })).toBe(403);
      expect(await upgrade(`${server.url}${path}`, { host: 'rebind.evil.example' })).toBe(421);
    }
  });
});
