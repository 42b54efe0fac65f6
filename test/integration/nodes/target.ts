// A local HTTP server for node tests to call: it records every request it gets and whether the
// caller hung up, and answers by path.
//   /json           {"hello":"world"}          /text       plain text
//   /echo           what it was sent, as JSON  /status/N   answers N
//   /flaky/<key>    503 the first time per key, then 200
//   /hang           never answers              /big        2 MiB of text
//   /redirect?to=U  302 to U                 /loop       302 to itself
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface Received { method: string; path: string; headers: http.IncomingHttpHeaders; body: string; closedEarly: boolean }

export interface Target { port: number; url: string; received: Received[]; stop(): Promise<void> }

export async function startTarget(): Promise<Target> {
  const received: Received[] = [];
  const seen = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://target');
      const entry: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), closedEarly: false };
      received.push(entry);
      res.on('close', () => { entry.closedEarly = !res.writableFinished; });
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'X-Served-By': 'Target' }).end(JSON.stringify(value));
      const [, route, arg] = url.pathname.split('/');
      switch (route) {
        case 'json': return json(200, { hello: 'world' });
        case 'text': return res.writeHead(200, { 'content-type': 'text/plain' }).end('just words');
        case 'echo': return json(200, { method: req.method, query: Object.fromEntries(url.searchParams), headers: req.headers, body: entry.body });
        case 'status': return json(Number(arg), { status: Number(arg) });
        case 'flaky': {
          const first = !seen.has(arg!);
          seen.add(arg!);
          return first ? json(503, { error: 'warming up' }) : json(200, { ok: true });
        }
        case 'hang': return;
        case 'big': return res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(2 * 1024 * 1024));
        case 'loop': return res.writeHead(302, { location: '/loop' }).end();
        case 'redirect': return res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
        default: return json(404, { error: 'no such route' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port, url: `http://127.0.0.1:${port}`, received,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A target for the length of a describe block (filled in before its tests run). */
export function useTarget(): Target {
  const target = {} as Target;
  beforeAll(async () => { Object.assign(target, await startTarget()); });
  afterAll(async () => { await target.stop?.(); });
  return target;
}
