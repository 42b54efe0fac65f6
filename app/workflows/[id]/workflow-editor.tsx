'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect } from 'react';
import { FlowIcon } from '../../components/icons.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { Canvas } from './canvas.tsx';

export function WorkflowEditor({ id }: { id: string }) {
  const trpc = useTRPC();
  const wf = useQuery(trpc.workflows.get.queryOptions({ id }, { retry: (n, err) => err.data?.code !== 'NOT_FOUND' && n < 1 }));
  useEffect(() => { if (wf.data) document.title = `${wf.data.name} · Switchyard`; }, [wf.data]);

  if (wf.isError) {
    const missing = wf.error.data?.code === 'NOT_FOUND';
    return (
      <div className="page">
        <div className="card empty">
          <div className="empty-icon"><FlowIcon size={26} /></div>
          <h2>{missing ? 'Workflow not found' : 'Could not open this workflow'}</h2>
          <p>{missing ? 'It may have been deleted, or the link is wrong.' : wf.error.message}</p>
          <Link className="button" href="/">Back to workflows</Link>
        </div>
      </div>
    );
  }
  return (
    <div className="editor">
      <div className="editor-header">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link href="/">Workflows</Link>
          <span aria-hidden="true">/</span>
          <strong data-testid="workflow-name">{wf.data?.name ?? '…'}</strong>
        </nav>
      </div>
      <Canvas />
    </div>
  );
}
