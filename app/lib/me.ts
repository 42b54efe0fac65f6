'use client';
// The signed-in user, as the server sees them (auth.status), and what their role allows. The
// server decides every call; the UI only avoids offering what would be refused.
import { useQuery } from '@tanstack/react-query';
import type { Role } from '../../server/auth/roles.ts';
import { useTRPC } from './trpc.ts';

const RANK: Record<Role, number> = { viewer: 0, runner: 1, editor: 2, owner: 3 };

export function useMe() {
  const trpc = useTRPC();
  const user = useQuery(trpc.auth.status.queryOptions()).data?.user ?? null;
  return { user, can: (min: Role) => !!user && RANK[user.role] >= RANK[min] };
}
