'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { FlowIcon, PlusIcon, SearchIcon } from '../components/icons.tsx';
import { LoadError, LoadingCard } from '../components/query-states.tsx';
import { useMe } from '../lib/me.ts';
import { useTRPC } from '../lib/trpc.ts';
import { NewWorkflowDialog } from './new-workflow-dialog.tsx';
import { relativeTime } from './relative-time.ts';

export function WorkflowList() {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const [creating, setCreating] = useState(false);
  const canEdit = useMe().can('editor');
  const list = useQuery({ ...trpc.workflows.list.queryOptions({ search: deferred || undefined }), placeholderData: (prev) => prev });
  const hasAny = (list.data?.length ?? 0) > 0 || deferred !== '';

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Workflows</h1>
          <p>Design, version and run your team&apos;s automations.</p>
        </div>
        <div className="page-header-actions">
          <button type="button" className="button button-primary" onClick={() => setCreating(true)} disabled={!canEdit} title={canEdit ? undefined : 'Viewers and runners cannot create workflows; ask an owner for the editor role'}>
            <PlusIcon size={16} /> New workflow
          </button>
        </div>
      </div>

      {hasAny && (
        <div className="toolbar">
          <label className="search">
            <SearchIcon size={16} />
            <input className="input" type="search" placeholder="Search workflows" aria-label="Search workflows" value={search} onChange={(e) => setSearch(e.target.value)} />
          </label>
        </div>
      )}

      {list.isError ? (
        <LoadError what="workflows" error={list.error} retry={() => list.refetch()} />
      ) : list.isPending ? (
        <LoadingCard label="Loading workflows" />
      ) : list.data.length === 0 ? (
        <div className="card empty">
          <div className="empty-icon"><FlowIcon size={26} /></div>
          {deferred ? (
            <>
              <h2>No workflows match “{deferred}”</h2>
              <p>Try a shorter search, or create a new workflow with that name.</p>
            </>
          ) : (
            <>
              <h2>No workflows yet</h2>
              <p>A workflow chains steps — scripts, HTTP calls, AI agents, approvals — into a graph that runs durably. Start with an empty canvas.</p>
              <button type="button" className="button button-primary" onClick={() => setCreating(true)} disabled={!canEdit}>
                <PlusIcon size={16} /> New workflow
              </button>
            </>
          )}
        </div>
      ) : (
        <ul className="card list" aria-label="Workflows">
          {list.data.map((wf) => (
            <li key={wf.id}>
              <Link href={`/workflows/${wf.id}`} className="list-row">
                <span className="wf-icon"><FlowIcon /></span>
                <span className="list-row-main">
                  <span className="list-row-title">{wf.name}</span>
                  <span className="list-row-sub">{wf.description || 'No description'}</span>
                </span>
                <span className="list-row-meta" title={new Date(wf.updatedAt).toLocaleString()}>Updated {relativeTime(wf.updatedAt)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {creating && <NewWorkflowDialog onClose={() => setCreating(false)} />}
    </div>
  );
}
