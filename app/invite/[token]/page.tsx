import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Join' };

// The form is the auth gate's (app/auth/auth-gate.tsx): an invitation link is opened signed out.
export default function InvitePage() {
  return null;
}
