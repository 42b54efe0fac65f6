// Passwords: argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane) — about
// 30 ms per check here, which is what makes a stolen hash expensive to guess.
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

// @node-rs/argon2's Algorithm.Argon2id; a const enum in its types, so spelled out.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const passwordSchema = z.string()
  .min(12, 'must be at least 12 characters (a few words make a good one)')
  .max(256, 'must be at most 256 characters');

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  // No hash (an unactivated account) still costs a hash, so timing does not tell.
  if (!stored) { await hash(password, OPTIONS); return false; }
  try { return await verify(stored, password); } catch { return false; }
}
