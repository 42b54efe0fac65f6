import type { Metadata } from 'next';
import { StatusBoard } from './status-board.tsx';

export const metadata: Metadata = { title: 'Status' };

export default async function StatusPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { room } = await searchParams;
  const safeRoom = typeof room === 'string' && /^[\w-]{1,64}$/.test(room) ? room : 'status-scratchpad';
  return <StatusBoard room={safeRoom} />;
}
