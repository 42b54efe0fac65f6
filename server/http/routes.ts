// The server's URL map. Everything the custom server owns is listed here; every other
// HTTP request goes to Next.js. Websocket upgrades are routed by path too, so Next's own
// dev-mode socket (/_next/...) keeps working and nothing else reaches Next.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export const paths = {
  health: '/api/health',
  schema: '/schema/workflow.v1.json',
  trpc: '/api/trpc',
  socketIo: '/socket.io',
  yjs: '/yjs',
  next: '/_next',
} as const;

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function under(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(prefix + '/');
}

export interface HttpRoutes {
  health: RequestHandler;
  /** The published JSON Schema of the workflow format. */
  schema: RequestHandler;
  trpc: RequestHandler;
  socketIo: RequestHandler;
  /** Next.js, or a plain 404 when the server runs without the UI (tests, workers). */
  fallback: RequestHandler;
}

/** Refuses what the origin policy refuses (server/http/origin.ts); health checks are exempt. */
export interface RequestGuard { check(req: IncomingMessage): { ok: true } | { ok: false; status: number; reason: string } }

export function createRequestRouter(routes: HttpRoutes, onError: (err: unknown) => void, guard?: RequestGuard): RequestHandler {
  return (req, res) => {
    const p = pathnameOf(req);
    if (guard && p !== paths.health) {
      const verdict = guard.check(req);
      if (!verdict.ok) {
        res.writeHead(verdict.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${verdict.reason}\n`);
        return;
      }
    }
    const handler =
      p === paths.health ? routes.health
      : p === paths.schema ? routes.schema
      : under(p, paths.trpc) ? routes.trpc
      : under(p, paths.socketIo) ? routes.socketIo
      : routes.fallback;
    Promise.resolve(handler(req, res)).catch((err) => {
      onError(err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
    });
  };
}

export interface UpgradeRoutes {
  socketIo: UpgradeHandler;
  /** Receives the room name: the rest of the path after /yjs/, URL-decoded. */
  yjs: (req: IncomingMessage, socket: Duplex, head: Buffer, room: string) => void;
  /** Next's dev hot-reload socket; absent in production. */
  next?: UpgradeHandler;
}

export function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

export function createUpgradeRouter(routes: UpgradeRoutes, guard?: RequestGuard): UpgradeHandler {
  return (req, socket, head) => {
    const p = pathnameOf(req);
    if (guard) {
      const verdict = guard.check(req);
      if (!verdict.ok) return rejectUpgrade(socket, verdict.status, verdict.status === 421 ? 'Misdirected Request' : 'Forbidden');
    }
    if (under(p, paths.socketIo)) return routes.socketIo(req, socket, head);
    if (p.startsWith(paths.yjs + '/')) {
      let room: string;
      try { room = decodeURIComponent(p.slice(paths.yjs.length + 1)); } catch { return rejectUpgrade(socket, 400, 'Bad Request'); }
      if (!room || room.length > 200) return rejectUpgrade(socket, 400, 'Bad Request');
      return routes.yjs(req, socket, head, room);
    }
    if (routes.next && under(p, paths.next)) return routes.next(req, socket, head);
    rejectUpgrade(socket, 404, 'Not Found');
  };
}
