'use client';
// Nothing of the app shows without a session: the first start asks for the owner account,
// later visits for a sign-in. The session itself is an HttpOnly cookie the server sets;
// this only asks the server who we are (auth.status).
import { useQuery } from '@tanstack/react-query';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { Logo } from '../components/logo.tsx';
import { useTRPC } from '../lib/trpc.ts';
import { AcceptInvitationForm, SetupForm, SignInForm } from './auth-forms.tsx';

export function AuthGate({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.auth.status.queryOptions(), staleTime: 60_000 });
  const invitation = /^\/invite\/([^/]+)$/.exec(usePathname() ?? '')?.[1];
  if (status.isPending) return <main className="main auth-page" aria-busy="true" />;
  // An invitation link is for someone without an account: its form comes before sign-in.
  if (invitation && !status.data?.user) {
    return (
      <AuthFrame title="Join Switchyard" subtitle="You were invited. Create your account to continue.">
        <AcceptInvitationForm token={decodeURIComponent(invitation)} />
      </AuthFrame>
    );
  }
  if (status.isError) {
    return (
      <AuthFrame title="Switchyard is not reachable" subtitle={status.error.message}>
        <button type="button" className="button" onClick={() => status.refetch()}>Try again</button>
      </AuthFrame>
    );
  }
  if (status.data.needsSetup) {
    return (
      <AuthFrame title="Set up Switchyard" subtitle="Create the owner account. The owner invites everyone else and manages secrets and access.">
        <SetupForm />
      </AuthFrame>
    );
  }
  if (!status.data.user) {
    return (
      <AuthFrame title="Sign in" subtitle="to your team's Switchyard.">
        <SignInForm />
      </AuthFrame>
    );
  }
  return <>{children}</>;
}

function AuthFrame({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <main className="main auth-page">
      <div className="auth-card card">
        <div className="auth-brand"><Logo /><span>Switchyard</span></div>
        <h1>{title}</h1>
        <p className="muted">{subtitle}</p>
        {children}
      </div>
    </main>
  );
}
