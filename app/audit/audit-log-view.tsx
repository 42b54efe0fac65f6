'use client';
// The audit log: every change made through the API, newest first, filtered by action or by
// what it acted on, loaded a page at a time.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { SearchIcon } from '../components/icons.tsx';
import { LoadError, LoadingCard } from '../components/query-states.tsx';
import { useTRPC, useTRPCClient } from '../lib/trpc.ts';
import { relativeTime } from '../workflows/relative-time.ts';

const PAGE = 50;

function detailsText(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ');
}

export function AuditLogView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');
  const targetId = useDeferredValue(target.trim());
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const filter = { action: action || undefined, targetId: targetId || undefined, limit: PAGE };
  const events = useInfiniteQuery({
    queryKey: ['audit', filter],
    queryFn: ({ pageParam }) => client.audit.list.query({ ...filter, before: pageParam }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.length === PAGE ? last.at(-1)!.id : undefined),
  });
  const rows = events.data?.pages.flat() ?? [];
  const filtered = Boolean(action || targetId);

  return (
    <div className="page page-wide">
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p>Who created, edited, published, ran, approved or cancelled what, and when.</p>
        </div>
      </div>

      <div className="toolbar">
        <select className="input" aria-label="Filter by action" value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">All actions</option>
          {(actions.data ?? []).map((a) => <option key={a} value={a}>{a}</option>)}
        </select>
        <label className="search">
          <SearchIcon size={16} />
          <input className="input" type="search" placeholder="Run, workflow or secret id" aria-label="Filter by target" value={target} onChange={(e) => setTarget(e.target.value)} />
        </label>
      </div>

      {events.isError ? (
        <LoadError what="the audit log" error={events.error} retry={() => events.refetch()} />
      ) : events.isPending ? (
        <LoadingCard label="Loading the audit log" />
      ) : rows.length === 0 ? (
        <div className="card empty">
          <div className="empty-icon"><SearchIcon size={26} /></div>
          <h2>{filtered ? 'Nothing matches these filters' : 'No changes recorded yet'}</h2>
          <p>{filtered ? 'Clear a filter to see more.' : 'Creating, publishing or running a workflow adds an entry here.'}</p>
        </div>
      ) : (
        <div className="card">
          <table className="audit-table" aria-label="Audit events">
            <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Details</th></tr></thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td title={e.at}>{relativeTime(e.at)}</td>
                  <td>{e.actor ?? <span className="muted">anonymous{e.ip ? ` (${e.ip.replace(/^::ffff:/, '')})` : ''}</span>}</td>
                  <td><code>{e.action}</code></td>
                  <td>{e.targetId ? <><span className="muted">{e.targetType} </span><button type="button" className="link-button mono" onClick={() => setTarget(e.targetId!)}>{e.targetId}</button></> : '—'}</td>
                  <td className="audit-details">{detailsText(e.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {events.hasNextPage && (
            <div className="table-footer">
              <button type="button" className="button" disabled={events.isFetchingNextPage} onClick={() => events.fetchNextPage()}>
                {events.isFetchingNextPage ? 'Loading…' : 'Load older'}
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
