// The y-websocket endpoint. The HTTP upgrade router authenticates the request and decides the
// document and access level; this service only speaks the protocol: it owns the rooms (one
// per open document), their loading and unloading, keep-alive and the write path to storage.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger, type Logger } from '../logger.ts';
import { startKeepAlive } from './keepalive.ts';
import type { YjsPersistence } from './persistence.ts';
import { Room } from './room.ts';
import { UpdateWriter } from './update-writer.ts';

export interface YjsServiceOptions {
  persistence: YjsPersistence;
  logger?: Logger;
  /** Ping period; a peer silent for a whole period is dropped. Default 30 s. */
  keepAliveMs?: number;
  /** How long updates are batched into one stored row. Default 5 ms. */
  batchMs?: number;
  /** Stored rows of a document above which it is compacted in the background. Default 100. */
  compactAfterRows?: number;
  /** Largest accepted frame. Default 16 MiB. */
  maxMessageBytes?: number;
}

export interface YjsUpgradeOptions {
  docName: string;
  /** Viewers: they receive the document and exchange awareness, their edits are dropped. */
  readOnly: boolean;
}

export interface YjsService {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, opts: YjsUpgradeOptions): void;
  /** Documents currently held in memory (loading or open). */
  roomCount(): number;
  /** Resolves once every update received so far is stored and running compactions ended. */
  flush(): Promise<void>;
  /** Closes all sockets (1001), stores every received update, then releases everything. */
  close(): Promise<void>;
}

const SOCKET_CLOSE_GRACE_MS = 1000;

export function createYjsService(options: YjsServiceOptions): YjsService {
  const log = options.logger ?? silentLogger;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes ?? 16 * 1024 * 1024,
    // Yjs updates are already compact binary; deflate would cost CPU and memory per socket.
    perMessageDeflate: false,
  });
  const writer = new UpdateWriter({
    persistence: options.persistence,
    logger: log,
    batchMs: options.batchMs ?? 5,
    compactAfterRows: options.compactAfterRows ?? 100,
  });
  const keepAlive = startKeepAlive(options.keepAliveMs ?? 30_000);
  const rooms = new Map<string, Room>();
  let closing: Promise<void> | null = null;

  function unload(room: Room): void {
    if (rooms.get(room.name) === room) rooms.delete(room.name);
    room.destroy();
    // The document can go right away: its updates already sit in the writer, and a room
    // reopening the document meanwhile gets the unwritten ones from `writer.open`.
    // close() does not wait for this: writer.close() flushes every document anyway.
    writer.release(room.name).catch((err: unknown) => {
      log.error('yjs document could not be flushed on unload; retrying in the background', { docName: room.name, err });
    });
  }

  function roomFor(docName: string): Room {
    const existing = rooms.get(docName);
    if (existing) return existing;
    const room = new Room(docName, { persist: (u) => writer.append(docName, u), empty: unload }, log);
    rooms.set(docName, room);
    const load = async () => {
      const updates = await writer.open(docName);
      try {
        room.load(updates);
      } catch (err) {
        void writer.release(docName).catch(() => undefined);
        throw err;
      }
    };
    void load().catch((err: unknown) => {
      log.error('yjs document could not be loaded', { docName, err });
      if (rooms.get(docName) === room) rooms.delete(docName);
      // 1011 is not a "permanent" close code, so providers retry with backoff.
      room.closeAll(1011, 'document unavailable');
      room.destroy();
    });
    return room;
  }

  function accept(ws: WebSocket, opts: YjsUpgradeOptions): void {
    if (closing) {
      ws.close(1001, 'server shutting down');
      return;
    }
    keepAlive.track(ws);
    roomFor(opts.docName).join(ws, opts.readOnly);
  }

  async function closeSockets(): Promise<void> {
    const open = [...wss.clients];
    for (const ws of open) if (ws.readyState === ws.OPEN) ws.close(1001, 'server shutting down');
    let timer: NodeJS.Timeout | undefined;
    const closed = Promise.all(open.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise((r) => ws.once('close', r)))));
    await Promise.race([closed, new Promise((r) => { timer = setTimeout(r, SOCKET_CLOSE_GRACE_MS); })]);
    clearTimeout(timer);
    // Peers that did not answer the closing handshake in time are cut off.
    for (const ws of open) if (ws.readyState !== ws.CLOSED) ws.terminate();
  }

  return {
    handleUpgrade(req, socket, head, opts) {
      if (closing) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, opts));
    },
    roomCount: () => rooms.size,
    flush: () => writer.flush(),
    close() {
      closing ??= (async () => {
        keepAlive.stop();
        for (const room of [...rooms.values()]) room.closeAll(1001, 'server shutting down');
        const sockets = closeSockets();
        // Rooms still loading are not waited for: they hold no updates, and unload themselves
        // (socketless) whenever their load completes.
        try {
          await writer.close();
        } finally {
          await sockets;
          await new Promise<void>((resolve) => wss.close(() => resolve()));
        }
      })();
      return closing;
    },
  };
}
