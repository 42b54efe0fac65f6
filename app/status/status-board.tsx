'use client';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTRPC } from '../lib/trpc.ts';
import { useSocketStatus } from './use-socket-status.ts';
import { useYjsScratchpad } from './use-yjs-scratchpad.ts';

function Dot({ state }: { state: 'ok' | 'bad' | 'wait' }) {
  return <span className={`dot dot-${state}`} aria-hidden="true" />;
}

function Card({ title, state, label, children }: { title: string; state: 'ok' | 'bad' | 'wait'; label: string; children: ReactNode }) {
  return (
    <section className="card status-card" aria-label={title} data-state={state}>
      <h2><Dot state={state} /> {title} <span className="muted" style={{ marginLeft: 'auto', fontWeight: 400, fontSize: 13 }}>{label}</span></h2>
      {children}
    </section>
  );
}

export function StatusBoard({ room }: { room: string }) {
  const trpc = useTRPC();
  const health = useQuery(trpc.system.health.queryOptions(undefined, { refetchInterval: 5000 }));
  const socket = useSocketStatus();
  const yjs = useYjsScratchpad(room);
  const h = health.data;
  const yjsState = yjs.state.status === 'connected' && yjs.state.synced ? 'ok' : yjs.state.status === 'disconnected' ? 'bad' : 'wait';

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>System status</h1>
          <p>Each part of this server, checked live from your browser.</p>
        </div>
      </div>
      <div className="status-grid">
        <Card title="Server" state={h ? 'ok' : health.isError ? 'bad' : 'wait'} label={h ? 'running' : health.isError ? 'unreachable' : 'checking'}>
          <dl>
            <dt>Version</dt><dd>{h?.version ?? '—'}</dd>
            <dt>Uptime</dt><dd>{h ? `${h.uptimeSeconds} s` : '—'}</dd>
          </dl>
        </Card>
        <Card title="Database" state={h?.database.reachable ? 'ok' : h ? 'bad' : 'wait'} label={h ? (h.database.reachable ? 'reachable' : 'unreachable') : 'checking'}>
          <dl>
            <dt>Engine</dt><dd>{h ? (h.database.provider === 'sqlite' ? 'SQLite (embedded)' : 'PostgreSQL') : '—'}</dd>
            <dt>Status</dt><dd data-testid="health-status">{h?.status ?? '—'}</dd>
          </dl>
        </Card>
        <Card title="Live events" state={socket.connected ? 'ok' : 'wait'} label={socket.connected ? 'connected' : 'connecting'}>
          <dl>
            <dt>Transport</dt><dd>socket.io</dd>
            <dt>Server hello</dt><dd data-testid="socket-hello">{socket.helloAt ? new Date(socket.helloAt).toLocaleTimeString() : '—'}</dd>
            <dt>Round trip</dt><dd>{socket.roundTripMs !== undefined ? `${socket.roundTripMs} ms` : '—'}</dd>
          </dl>
        </Card>
        <Card title="Collaboration" state={yjsState} label={yjs.state.synced ? 'synced' : yjs.state.status}>
          <dl>
            <dt>Room</dt><dd>{room}</dd>
            <dt>Others here</dt><dd data-testid="yjs-peers">{yjs.state.peers}</dd>
          </dl>
        </Card>
      </div>
      <section className="card status-card" style={{ marginTop: 16 }} aria-label="Shared scratchpad">
        <h2>Shared scratchpad</h2>
        <textarea
          className="scratchpad" aria-label="Shared scratchpad text" data-testid="scratchpad"
          value={yjs.text} disabled={!yjs.state.synced} onChange={(e) => yjs.edit(e.target.value)}
          placeholder={yjs.state.synced ? 'Type here; anyone with this page open sees it live.' : 'Connecting…'}
        />
        <p className="hint">Open this page in a second window to check that live co-editing reaches this server.</p>
      </section>
    </div>
  );
}
