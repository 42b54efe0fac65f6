/*
 * The y-websocket wire protocol, as spoken by the `WebsocketProvider` of the y-websocket
 * package. One binary WebSocket frame carries one message, encoded with lib0:
 *
 *   message  = varUint(type) payload
 *
 *   type 0  sync             payload = varUint(step) varUint8Array(data)
 *             step 0  sync step 1  data = the sender's state vector; the receiver answers
 *                                  with a sync step 2 computed against it
 *             step 1  sync step 2  data = a Yjs update with everything the sender has that
 *                                  the state vector lacks
 *             step 2  update       data = an incremental Yjs update, sent as edits happen
 *   type 1  awareness        payload = varUint8Array(awareness update: for each client,
 *                                      clientID, clock and JSON state; null = gone)
 *   type 2  auth             payload = varUint(0 = permission denied) varString(reason);
 *                                      server → client only, we never need it
 *   type 3  query-awareness  no payload; answered with every known awareness state
 *
 * Handshake: when the socket opens, the client sends sync step 1 and its awareness state;
 * the server sends sync step 1 and the awareness states it knows. Each side answers the
 * other's step 1 with step 2 (the client flags itself "synced" on the first step 2 it
 * receives). Afterwards both sides send sync updates and awareness messages as they happen.
 *
 * This module only encodes and decodes; what a message does is decided by room.ts.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

export const messageSync = 0;
export const messageAwareness = 1;
export const messageAuth = 2;
export const messageQueryAwareness = 3;

export type DecodedMessage =
  | { kind: 'sync-step1'; stateVector: Uint8Array }
  | { kind: 'sync-step2'; update: Uint8Array }
  | { kind: 'sync-update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' }
  | { kind: 'auth' }
  | { kind: 'unknown'; type: number };

/** Throws on a truncated or malformed frame; the caller treats that as a broken client. */
export function decodeMessage(frame: Uint8Array): DecodedMessage {
  const decoder = decoding.createDecoder(frame);
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case messageSync: {
      const step = decoding.readVarUint(decoder);
      const data = decoding.readVarUint8Array(decoder);
      if (step === syncProtocol.messageYjsSyncStep1) return { kind: 'sync-step1', stateVector: data };
      if (step === syncProtocol.messageYjsSyncStep2) return { kind: 'sync-step2', update: data };
      if (step === syncProtocol.messageYjsUpdate) return { kind: 'sync-update', update: data };
      throw new Error(`unknown sync step ${step}`);
    }
    case messageAwareness:
      return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
    case messageQueryAwareness:
      return { kind: 'query-awareness' };
    case messageAuth:
      return { kind: 'auth' };
    default:
      return { kind: 'unknown', type };
  }
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageSync);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** The answer to a peer's sync step 1: only what its state vector lacks. */
export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageSync);
  syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  return encoding.toUint8Array(encoder);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageSync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageAwareness);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(encoder);
}
