import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRequestRouter, createUpgradeRouter, pathnameOf } from '../../../server/http/routes.ts';

const req = (url: string) => ({ url, method: 'GET' }) as IncomingMessage;

describe('request routing', () => {
  const hits: string[] = [];
  const route = (name: string) => () => { hits.push(name); };
  const router = createRequestRouter({ health: route('health'), schema: route('schema'), trpc: route('trpc'), socketIo: route('socket.io'), fallback: route('next') }, () => {});

  it.each([
    ['/api/health', 'health'],
    ['/api/health?x=1', 'health'],
    ['/schema/workflow.v1.json', 'schema'],
    ['/schema/other.json', 'next'],
    ['/api/trpc/workflow.list?batch=1', 'trpc'],
    ['/api/trpcx', 'next'],
    ['/socket.io/?EIO=4&transport=polling', 'socket.io'],
    ['/', 'next'],
    ['/workflows/abc', 'next'],
    ['/_next/static/chunk.js', 'next'],
  ])('%s → %s', (url, expected) => {
    hits.length = 0;
    router(req(url), {} as ServerResponse);
    expect(hits).toEqual([expected]);
  });

  it('strips the query string', () => {
    expect(pathnameOf(req('/a/b?c=d'))).toBe('/a/b');
  });
});

describe('upgrade routing', () => {
  const hits: string[] = [];
  const router = createUpgradeRouter({
    socketIo: () => { hits.push('socket.io'); },
    yjs: (_r, _s, _h, room) => { hits.push(`yjs:${room}`); },
    next: () => { hits.push('next'); },
  });
  const upgrade = (url: string) => {
    hits.length = 0;
    const socket = new PassThrough();
    let written = '';
    socket.on('data', (d) => { written += d; });
    router(req(url), socket, Buffer.alloc(0));
    return { hits: [...hits], written, destroyed: socket.destroyed };
  };

  it('routes by path and decodes the Yjs room', () => {
    expect(upgrade('/socket.io/?EIO=4&transport=websocket').hits).toEqual(['socket.io']);
    expect(upgrade('/yjs/wf%2F1?x=1').hits).toEqual(['yjs:wf/1']);
    expect(upgrade('/_next/hmr').hits).toEqual(['next']);
  });

  it('rejects unknown paths, empty rooms and bad encodings without calling anyone', () => {
    for (const url of ['/', '/workflows/x', '/yjs/', '/yjs/%E0%A4%A', '/api/trpc']) {
      const r = upgrade(url);
      expect(r.hits, url).toEqual([]);
      expect(r.destroyed, url).toBe(true);
    }
  });
});
