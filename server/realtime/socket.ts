// socket.io on an engine.io server that we drive ourselves: the HTTP and upgrade routers
// hand it exactly the /socket.io requests, so it never wraps other listeners or destroys
// upgrades it does not own (socket.io's default attach does both).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as EngineServer } from 'engine.io';
import { Server } from 'socket.io';
import type { Logger } from '../logger.ts';
import { version } from '../version.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './events.ts';
import { paths } from '../http/routes.ts';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents>;

export interface Realtime {
  io: RealtimeServer;
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** Decides whether a request (polling or upgrade) may connect; the default allows all. */
export type AllowRequest = (req: IncomingMessage) => Promise<boolean>;

export function createRealtime(log: Logger, allow?: AllowRequest): Realtime {
  const engine = new EngineServer({
    maxHttpBufferSize: 1e6,
    pingInterval: 20_000,
    // Checked on the handshake and on every later polling request and upgrade.
    allowRequest: (req, callback) => {
      if (!allow) return callback(null, true);
      allow(req).then((ok) => callback(ok ? null : 'Sign in first', ok), () => callback('Sign in first', false));
    },
  });
  const io: RealtimeServer = new Server({ path: paths.socketIo, serveClient: false });
  io.bind(engine);
  io.on('connection', (socket) => {
    log.debug('socket connected', { id: socket.id });
    socket.emit('server:hello', { version, serverTime: new Date().toISOString() });
    socket.on('system:ping', (ack) => {
      if (typeof ack === 'function') ack({ serverTime: new Date().toISOString() });
    });
  });
  return {
    io,
    handleRequest: (req, res) => engine.handleRequest(req, res),
    handleUpgrade: (req, socket, head) => engine.handleUpgrade(req, socket, head),
    close: () => new Promise<void>((resolve) => {
      io.disconnectSockets(true);
      engine.close();
      resolve();
    }),
  };
}
