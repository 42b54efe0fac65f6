// The socket.io event contract, shared by server and browser (type-only imports).
export interface ServerToClientEvents {
  /** Sent once on connect, so a client knows the link is live and which server it reached. */
  'server:hello': (msg: { version: string; serverTime: string }) => void;
}

export interface ClientToServerEvents {
  /** Round-trip check used by the status page and tests. */
  'system:ping': (ack: (reply: { serverTime: string }) => void) => void;
}
