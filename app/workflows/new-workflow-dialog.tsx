'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '../lib/trpc.ts';

export function NewWorkflowDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const create = useMutation(
    trpc.workflows.create.mutationOptions({
      onSuccess: async (wf) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workflows.list.queryKey() });
        router.push(`/workflows/${wf.id}`);
      },
    }),
  );
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const fieldError = create.error?.data?.zodError?.fieldErrors?.name?.[0];
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="new-workflow-title"
        onSubmit={(e) => { e.preventDefault(); create.mutate({ name }); }}
      >
        <h2 id="new-workflow-title">New workflow</h2>
        <p>Give it a name; you can add steps, triggers and inputs on the canvas.</p>
        <div className="field">
          <label htmlFor="workflow-name">Name</label>
          <input
            id="workflow-name" ref={input} className="input" value={name} maxLength={120}
            placeholder="e.g. Deploy on plan completion" onChange={(e) => setName(e.target.value)}
            aria-invalid={fieldError ? true : undefined} aria-describedby={fieldError ? 'workflow-name-error' : undefined}
          />
          {fieldError && <span id="workflow-name-error" className="field-error">{fieldError}</span>}
          {create.error && !fieldError && <span className="field-error">{create.error.message}</span>}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="button button-primary" disabled={create.isPending || !name.trim()}>
            {create.isPending ? 'Creating…' : 'Create workflow'}
          </button>
        </div>
      </form>
    </div>
  );
}
