// Next.js as a request handler inside our server. Next attaches an 'upgrade' listener to
// whatever server it is given (or to req.socket.server) on the first request, and ends
// upgrades it does not recognise. We hand it a private emitter instead, and the upgrade
// router forwards only /_next/* upgrades (the dev hot-reload socket) to it. The `httpServer`
// option is used by Next for nothing else (checked against next 16.4.6, pinned exactly).
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';

export interface NextApp {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

export const projectDir = path.resolve(import.meta.dirname, '..');

export async function createNextApp(opts: { dev: boolean; hostname: string; port: number }): Promise<NextApp> {
  const { default: next } = await import('next');
  const upgrades = new EventEmitter();
  const app = next({
    dev: opts.dev,
    dir: projectDir,
    hostname: opts.hostname,
    port: opts.port,
    httpServer: upgrades as unknown as Server,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  return {
    handle: (req, res) => handle(req, res),
    handleUpgrade: (req, socket, head) => {
      if (upgrades.listenerCount('upgrade') === 0) socket.destroy();
      else upgrades.emit('upgrade', req, socket, head);
    },
    close: () => app.close(),
  };
}
