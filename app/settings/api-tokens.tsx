'use client';
// The signed-in user's API tokens: created with scopes, shown once, revocable.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Scope } from '../../server/auth/roles.ts';
import { LoadError, LoadingCard } from '../components/query-states.tsx';
import { useTRPC } from '../lib/trpc.ts';
import { relativeTime } from '../workflows/relative-time.ts';

const SCOPES: { scope: Scope; what: string }[] = [
  { scope: 'read', what: 'read' }, { scope: 'run', what: 'run and approve' }, { scope: 'design', what: 'design and publish' }, { scope: 'admin', what: 'everything your role allows' },
];

export function ApiTokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.auth.tokens.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.tokens.list.queryKey() });
  const create = useMutation(trpc.auth.tokens.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.auth.tokens.revoke.mutationOptions({ onSuccess: refresh }));
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('run');

  return (
    <section className="card settings-card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="muted">For <code>switchyard run --server … --token …</code> and scripts. A token can do at most what its scope and your role allow.</p>
      <form className="invite-form" onSubmit={(e) => { e.preventDefault(); create.mutate({ name: name.trim(), scopes: [scope] }); setName(''); }}>
        <input className="input" placeholder="Name, e.g. CI" aria-label="Token name" value={name} onChange={(e) => setName(e.target.value)} required />
        <select className="input" aria-label="Scope" value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
          {SCOPES.map((s) => <option key={s.scope} value={s.scope}>{s.scope} — {s.what}</option>)}
        </select>
        <button type="submit" className="button button-primary" disabled={create.isPending}>Create token</button>
      </form>
      {create.error && <p className="field-error" role="alert">{create.error.message}</p>}
      {create.data && (
        <div className="invite-link">
          <p>Copy the token now: it is not shown again.</p>
          <code aria-label="New token">{create.data.token}</code>
        </div>
      )}
      {tokens.isError ? <LoadError what="your tokens" error={tokens.error} retry={() => tokens.refetch()} />
        : tokens.isPending ? <LoadingCard label="Loading tokens" />
        : tokens.data.length === 0 ? <p className="muted settings-empty">No tokens yet.</p>
        : (
          <ul className="list settings-list" aria-label="API tokens">
            {tokens.data.map((t) => (
              <li key={t.id} className="list-row">
                <div className="list-row-main">
                  <span className="list-row-title">{t.name} <code className="muted">{t.prefix}…</code></span>
                  <span className="list-row-sub">{(t.scopes as string[]).join(', ')} · created {relativeTime(String(t.createdAt))}{t.lastUsedAt ? ` · used ${relativeTime(String(t.lastUsedAt))}` : ' · never used'}</span>
                </div>
                <button type="button" className="button button-small button-danger" onClick={() => revoke.mutate({ id: t.id })} disabled={revoke.isPending}>Revoke</button>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
