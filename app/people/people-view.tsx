'use client';
// People and their roles, and invitations by link (owners only): the link is shown once, to
// be sent by whatever channel the team uses.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Role } from '../../server/auth/roles.ts';
import { LoadError, LoadingCard } from '../components/query-states.tsx';
import { useMe } from '../lib/me.ts';
import { useTRPC } from '../lib/trpc.ts';

const ROLES: { role: Role; what: string }[] = [
  { role: 'viewer', what: 'reads workflows and runs' },
  { role: 'runner', what: 'also runs workflows and approves gates' },
  { role: 'editor', what: 'also designs and publishes workflows' },
  { role: 'owner', what: 'also manages people, secrets and the audit log' },
];

export function PeopleView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user: me, can } = useMe();
  const users = useQuery({ ...trpc.auth.users.list.queryOptions(), enabled: can('owner') });
  const [role, setRole] = useState<Role>('editor');
  const [email, setEmail] = useState('');
  const invite = useMutation(trpc.auth.invite.mutationOptions());
  const changeRole = useMutation(trpc.auth.users.setRole.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.users.list.queryKey() }) }));
  const link = invite.data ? `${window.location.origin}/invite/${invite.data.token}` : undefined;

  if (!can('owner')) {
    return (
      <div className="page">
        <div className="page-header"><div><h1>People</h1><p>Only owners manage people and invitations.</p></div></div>
      </div>
    );
  }
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>People</h1>
          <p>Who can use this Switchyard, and what they may do.</p>
        </div>
      </div>

      <section className="card invite-card" aria-labelledby="invite-title">
        <h2 id="invite-title">Invite someone</h2>
        <form className="invite-form" onSubmit={(e) => { e.preventDefault(); invite.mutate({ role, ...(email.trim() ? { email: email.trim() } : {}) }); }}>
          <select className="input" aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r.role} value={r.role}>{r.role} — {r.what}</option>)}
          </select>
          <input className="input" type="email" placeholder="Email (optional: only they can use the link)" aria-label="Email" value={email} onChange={(e) => setEmail(e.target.value)} />
          <button type="submit" className="button button-primary" disabled={invite.isPending}>Create invitation link</button>
        </form>
        {invite.error && <p className="field-error" role="alert">{invite.error.message}</p>}
        {link && (
          <div className="invite-link">
            <p>Send this link to the person you invite as <strong>{invite.data!.role}</strong>. It works once, until {new Date(invite.data!.expiresAt).toLocaleDateString()}, and is not shown again.</p>
            <code aria-label="Invitation link">{link}</code>
            <button type="button" className="button button-small" onClick={() => navigator.clipboard?.writeText(link)}>Copy</button>
          </div>
        )}
      </section>

      {users.isError ? <LoadError what="people" error={users.error} retry={() => users.refetch()} />
        : users.isPending ? <LoadingCard label="Loading people" />
        : (
          <div className="card">
            <ul className="list" aria-label="People">
              {users.data.map((u) => (
                <li key={u.id} className="list-row">
                  <div className="list-row-main">
                    <span className="list-row-title">{u.name}{u.id === me?.id ? ' (you)' : ''}</span>
                    <span className="list-row-sub">{u.email}</span>
                  </div>
                  <select className="input" aria-label={`Role of ${u.email}`} value={u.role} disabled={changeRole.isPending} onChange={(e) => changeRole.mutate({ id: u.id, role: e.target.value as Role })}>
                    {ROLES.map((r) => <option key={r.role} value={r.role}>{r.role}</option>)}
                  </select>
                </li>
              ))}
            </ul>
            {changeRole.error && <p className="field-error table-footer" role="alert">{changeRole.error.message}</p>}
          </div>
        )}
    </div>
  );
}
