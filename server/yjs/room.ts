// One shared document, the sockets editing it and their awareness (cursors, presence).
// A room starts out loading: sockets may join and talk, but their messages are queued until
// the stored state is in, so nobody is ever synced against an empty document.
import { WebSocket, type RawData } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '../logger.ts';
import { decodeMessage, encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from './protocol.ts';

export interface RoomHooks {
  /** Called synchronously for every change to the document that must be stored. */
  persist(update: Uint8Array): void;
  /** The last socket left (only ever called once the room is loaded). */
  empty(room: Room): void;
}

interface Conn {
  readOnly: boolean;
  /** Awareness client ids this socket announced; removed for everyone when it leaves. */
  clients: Set<number>;
  /** Frames received before the room finished loading; null once live. */
  queue: Uint8Array[] | null;
}

// Origin of the transaction that replays stored updates: they are neither stored again nor
// broadcast (every socket is still waiting and will receive the full state in sync step 2).
const LOAD_ORIGIN = Symbol('yjs-load');

export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  private readonly conns = new Map<WebSocket, Conn>();
  private loaded = false;
  private emptied = false;

  constructor(
    readonly name: string,
    private readonly hooks: RoomHooks,
    private readonly log: Logger,
  ) {
    // The server is not a participant; it only relays the others' states.
    this.awareness.setLocalState(null);
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  join(ws: WebSocket, readOnly: boolean): void {
    const conn: Conn = { readOnly, clients: new Set(), queue: this.loaded ? null : [] };
    this.conns.set(ws, conn);
    ws.on('message', (data, isBinary) => this.onMessage(ws, data, isBinary));
    ws.on('close', () => this.leave(ws));
    ws.on('error', (err) => this.log.debug('yjs socket error', { room: this.name, err }));
    if (this.loaded) this.start(ws, conn);
  }

  /** Applies the stored updates, then serves the sockets that joined meanwhile. */
  load(updates: readonly Uint8Array[]): void {
    this.doc.transact(() => {
      for (const update of updates) Y.applyUpdate(this.doc, update, LOAD_ORIGIN);
    }, LOAD_ORIGIN);
    this.loaded = true;
    for (const [ws, conn] of this.conns) this.start(ws, conn);
    this.emptyCheck();
  }

  /** Closes every socket; `empty` follows once the room is loaded. */
  closeAll(code: number, reason: string): void {
    for (const ws of [...this.conns.keys()]) this.drop(ws, code, reason);
  }

  destroy(): void {
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private start(ws: WebSocket, conn: Conn): void {
    this.send(ws, encodeSyncStep1(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) this.send(ws, encodeAwareness(this.awareness, states));
    const queued = conn.queue ?? [];
    conn.queue = null;
    for (const frame of queued) this.handle(ws, conn, frame);
  }

  private onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const conn = this.conns.get(ws);
    if (!conn) return;
    if (!isBinary) return this.drop(ws, 1003, 'binary frames only');
    const frame = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    if (conn.queue) conn.queue.push(frame);
    else this.handle(ws, conn, frame);
  }

  private handle(ws: WebSocket, conn: Conn, frame: Uint8Array): void {
    // A frame that fails to decode or apply means a broken or hostile client; it will
    // reconnect and resync from scratch, which is cheaper than guessing what it meant.
    try {
      const msg = decodeMessage(frame);
      switch (msg.kind) {
        case 'sync-step1':
          return this.send(ws, encodeSyncStep2(this.doc, msg.stateVector));
        case 'sync-step2':
        case 'sync-update':
          if (!conn.readOnly) this.applyClientUpdate(ws, msg.update);
          return;
        case 'awareness':
          return awarenessProtocol.applyAwarenessUpdate(this.awareness, msg.update, ws);
        case 'query-awareness':
          return this.send(ws, encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
        default:
          this.log.debug('yjs message ignored', { room: this.name, kind: msg.kind });
      }
    } catch (err) {
      this.log.warn('yjs message rejected', { room: this.name, err });
      this.drop(ws, 1007, 'invalid message');
    }
  }

  private applyClientUpdate(ws: WebSocket, update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, ws);
    // Structs whose dependencies are missing wait inside the document and are absent from
    // its 'update' event until resolved; storing the raw update keeps them across a restart.
    // Replaying it later is harmless: Yjs ignores what it already has.
    const store = this.doc.store;
    if (store.pendingStructs || store.pendingDs) this.hooks.persist(new Uint8Array(update));
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN) return;
    this.hooks.persist(update);
    // Echoed to the sender too: an update that resolves someone else's pending structs
    // carries those structs, which the sender may not have.
    this.broadcast(encodeUpdate(update));
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const conn = origin instanceof WebSocket ? this.conns.get(origin) : undefined;
    if (conn) {
      for (const id of added) conn.clients.add(id);
      for (const id of removed) conn.clients.delete(id);
    }
    // Sent to the origin as well: the provider drops a connection that receives nothing for
    // 30 s, and the echo of its own 15 s awareness renewal is what keeps a lone editor online.
    this.broadcast(encodeAwareness(this.awareness, [...added, ...updated, ...removed]));
  };

  private broadcast(message: Uint8Array): void {
    for (const [ws, conn] of this.conns) if (!conn.queue) this.send(ws, message);
  }

  private send(ws: WebSocket, message: Uint8Array): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(message, (err) => {
      if (err) this.drop(ws, 1011, 'send failed');
    });
  }

  private drop(ws: WebSocket, code: number, reason: string): void {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    this.leave(ws);
  }

  private leave(ws: WebSocket): void {
    const conn = this.conns.get(ws);
    if (!conn) return;
    this.conns.delete(ws);
    if (conn.clients.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.clients], null);
    this.emptyCheck();
  }

  // Once only: a socket dropped while `load` starts the others must not unload the room twice.
  private emptyCheck(): void {
    if (this.conns.size > 0 || !this.loaded || this.emptied) return;
    this.emptied = true;
    this.hooks.empty(this);
  }
}
