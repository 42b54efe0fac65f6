// Random tokens (sessions, API tokens, invitations) and how they are stored: only a SHA-256,
// so the database alone signs nobody in. Tokens carry a readable prefix saying what they are.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(prefix: string): { token: string; hash: string } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
