'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface YjsStatus { status: 'connecting' | 'connected' | 'disconnected'; synced: boolean; peers: number }

/**
 * A shared plain-text scratchpad in a Yjs room served at /yjs/<room>. Local edits are
 * applied as the smallest single splice, so concurrent typing elsewhere survives.
 */
export function useYjsScratchpad(room: string) {
  const [state, setState] = useState<YjsStatus>({ status: 'connecting', synced: false, peers: 0 });
  const [text, setText] = useState('');
  const ytext = useRef<Y.Text | null>(null);

  useEffect(() => {
    const doc = new Y.Doc();
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const provider = new WebsocketProvider(`${proto}//${window.location.host}/yjs`, room, doc, { disableBc: true });
    const shared = doc.getText('scratchpad');
    ytext.current = shared;
    const onText = () => setText(shared.toString());
    const onPeers = () => setState((s) => ({ ...s, peers: Math.max(0, provider.awareness.getStates().size - 1) }));
    shared.observe(onText);
    provider.on('status', ({ status }) => setState((s) => ({ ...s, status })));
    provider.on('sync', (synced: boolean) => setState((s) => ({ ...s, synced })));
    provider.awareness.on('change', onPeers);
    provider.awareness.setLocalStateField('user', { name: 'status page' });
    return () => {
      shared.unobserve(onText);
      provider.destroy();
      doc.destroy();
      ytext.current = null;
    };
  }, [room]);

  const edit = useCallback((next: string) => {
    const shared = ytext.current;
    if (!shared) return;
    const prev = shared.toString();
    let start = 0;
    while (start < prev.length && start < next.length && prev[start] === next[start]) start++;
    let endPrev = prev.length;
    let endNext = next.length;
    while (endPrev > start && endNext > start && prev[endPrev - 1] === next[endNext - 1]) { endPrev--; endNext--; }
    shared.doc?.transact(() => {
      if (endPrev > start) shared.delete(start, endPrev - start);
      if (endNext > start) shared.insert(start, next.slice(start, endNext));
    });
  }, []);

  return { state, text, edit };
}
