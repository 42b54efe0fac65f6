// A bare HTTP server whose upgrade handler routes /yjs/<room> to a Yjs service, plus
// y-websocket providers connected to it over real sockets. `?readonly=1` stands in for
// the access decision the real upgrade router makes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { YjsPersistence } from '../../../server/yjs/persistence.ts';
import { createYjsService, type YjsService, type YjsServiceOptions } from '../../../server/yjs/service.ts';
import { once, waitFor } from '../../helpers/wait.ts';

export interface YjsTestServer {
  url: string;
  service: YjsService;
  /** Closes the service (flushing to persistence), then the HTTP server. */
  stop(): Promise<void>;
}

export async function startYjsServer(persistence: YjsPersistence, opts: Partial<YjsServiceOptions> = {}): Promise<YjsTestServer> {
  const service = createYjsService({ ...opts, persistence });
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/yjs\/(.+)$/.exec(url.pathname);
    if (!match?.[1]) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    service.handleUpgrade(req, socket, head, {
      docName: decodeURIComponent(match[1]),
      readOnly: url.searchParams.get('readonly') === '1',
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    url: `ws://127.0.0.1:${port}/yjs`,
    service,
    async stop() {
      if (stopped) return;
      stopped = true;
      await service.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Providers opened by a test; destroy them all in afterEach. */
export class Providers {
  private readonly open: WebsocketProvider[] = [];

  connect(url: string, room: string, { doc = new Y.Doc(), readOnly = false } = {}): WebsocketProvider {
    const provider = new WebsocketProvider(url, room, doc, {
      // Boundary: y-websocket types this as the DOM WebSocket class; ws implements that API.
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      params: readOnly ? { readonly: '1' } : {},
    });
    this.open.push(provider);
    return provider;
  }

  async connectSynced(url: string, room: string, opts: { doc?: Y.Doc; readOnly?: boolean } = {}): Promise<WebsocketProvider> {
    const provider = this.connect(url, room, opts);
    await waitFor(() => provider.synced, { what: `provider for ${room} to sync` });
    return provider;
  }

  destroyAll(): void {
    for (const p of this.open.splice(0)) {
      p.destroy();
      p.doc.destroy();
    }
  }
}
