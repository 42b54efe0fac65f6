'use client';
// Secrets by name: values go in and never come back. Owners create, rotate and delete;
// editors see the names they can use in `${{ secrets.NAME }}`.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { LoadError, LoadingCard } from '../components/query-states.tsx';
import { useTRPC } from '../lib/trpc.ts';
import { relativeTime } from '../workflows/relative-time.ts';

export function Secrets({ manage }: { manage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.secrets.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey() });
  const create = useMutation(trpc.secrets.create.mutationOptions({ onSuccess: refresh }));
  const rotate = useMutation(trpc.secrets.rotate.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.secrets.delete.mutationOptions({ onSuccess: refresh }));
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const exists = secrets.data?.some((s) => s.name === name.trim());
  const error = create.error ?? rotate.error ?? remove.error;

  return (
    <section className="card settings-card" aria-labelledby="secrets-title">
      <h2 id="secrets-title">Secrets</h2>
      <p className="muted">Used in step settings as <code>{'${{ secrets.NAME }}'}</code>; stored encrypted, never shown again, and masked as <code>***</code> in logs and outputs.</p>
      {manage && (
        <form className="invite-form" onSubmit={(e) => {
          e.preventDefault();
          const input = { name: name.trim(), value };
          if (exists) rotate.mutate(input); else create.mutate(input);
          setValue('');
        }}>
          <input className="input mono" placeholder="NAME, e.g. GITHUB_TOKEN" aria-label="Secret name" value={name} onChange={(e) => setName(e.target.value)} required />
          <input className="input" type="password" autoComplete="off" placeholder="Value" aria-label="Secret value" value={value} onChange={(e) => setValue(e.target.value)} required />
          <button type="submit" className="button button-primary" disabled={create.isPending || rotate.isPending}>{exists ? 'Rotate' : 'Add secret'}</button>
        </form>
      )}
      {error && <p className="field-error" role="alert">{error.message}</p>}
      {secrets.isError ? <LoadError what="secrets" error={secrets.error} retry={() => secrets.refetch()} />
        : secrets.isPending ? <LoadingCard label="Loading secrets" />
        : secrets.data.length === 0 ? <p className="muted settings-empty">No secrets yet.</p>
        : (
          <ul className="list settings-list" aria-label="Secrets">
            {secrets.data.map((s) => (
              <li key={s.name} className="list-row">
                <div className="list-row-main">
                  <span className="list-row-title mono">{s.name}</span>
                  <span className="list-row-sub">version {s.version} · updated {relativeTime(s.updatedAt)}</span>
                </div>
                {manage && <button type="button" className="button button-small button-danger" onClick={() => remove.mutate({ name: s.name })} disabled={remove.isPending}>Delete</button>}
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
