'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMe } from '../lib/me.ts';
import { useTRPC } from '../lib/trpc.ts';
import { Logo } from './logo.tsx';
import { ThemeToggle } from './theme-toggle.tsx';

const nav = [
  { href: '/', label: 'Workflows', active: (p: string) => p === '/' || p.startsWith('/workflows') },
  { href: '/nodes', label: 'Node types', active: (p: string) => p.startsWith('/nodes') },
  { href: '/people', label: 'People', active: (p: string) => p.startsWith('/people'), owner: true },
  { href: '/audit', label: 'Audit log', active: (p: string) => p.startsWith('/audit'), owner: true },
  { href: '/settings', label: 'Settings', active: (p: string) => p.startsWith('/settings') },
  { href: '/status', label: 'Status', active: (p: string) => p.startsWith('/status') },
];

function UserMenu() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.auth.status.queryOptions());
  // Signed out: every cached answer belonged to the previous user.
  const signOut = useMutation(trpc.auth.signOut.mutationOptions({ onSuccess: () => queryClient.resetQueries() }));
  const user = status.data?.user;
  if (!user) return null;
  return (
    <div className="user-menu">
      <span title={user.email}>{user.name} · {user.role}</span>
      <button type="button" className="button button-small" onClick={() => signOut.mutate()} disabled={signOut.isPending}>Sign out</button>
    </div>
  );
}

export function TopBar() {
  const pathname = usePathname() ?? '/';
  const { can } = useMe();
  return (
    <header className="topbar">
      <Link href="/" className="brand" aria-label="Switchyard home">
        <Logo />
        <span>Switchyard</span>
      </Link>
      <nav className="topnav" aria-label="Main">
        {nav.filter((n) => !('owner' in n) || can('owner')).map((n) => (
          <Link key={n.href} href={n.href} className="topnav-link" aria-current={n.active(pathname) ? 'page' : undefined}>
            {n.label}
          </Link>
        ))}
      </nav>
      <div className="topbar-end">
        <UserMenu />
        <ThemeToggle />
      </div>
    </header>
  );
}
