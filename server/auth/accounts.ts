// Accounts: the first owner, sign-in and sessions, API tokens, invitations and password
// resets. The states of a deployment: no user (only the owner set-up is possible) → an owner
// exists (set-up is closed for good; everyone else joins by invitation).
//
// Every credential — session cookie, API token, invitation link — is a random token shown to
// its holder once; the database keeps its SHA-256 (tokens.ts).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, NotFoundError, SwitchyardError, ValidationError } from '../../engine/errors.ts';
import type { Db } from '../db/client.ts';
import { hashPassword, passwordSchema, verifyPassword } from './passwords.ts';
import { createRateLimiter } from './rate-limit.ts';
import { roleSchema, scopeSchema, type Role, type Scope } from './roles.ts';
import { hashToken, newToken } from './tokens.ts';

export const SESSION_DAYS = 14;
const DAY = 86_400_000;
/** A session seen again after this long gets its expiry pushed out (one write per hour, not per request). */
const RENEW_AFTER_MS = 3_600_000;
export const INVITATION_DAYS = 7;

export const emailSchema = z.email('must be an email address').max(320).transform((e) => e.toLowerCase());
export const nameSchema = z.string().trim().min(1, 'is required').max(200);

/** Sign-in refused: wrong credentials (one message for both, so it does not tell which). */
export class SignInError extends SwitchyardError {
  constructor(message = 'Wrong email or password.', readonly retryAfterMs?: number) {
    super(retryAfterMs ? 'RATE_LIMITED' : 'UNAUTHORIZED', message, false, retryAfterMs ? { retryAfterMs } : undefined);
    this.name = 'SignInError';
  }
}

export interface SignedInUser { id: string; email: string; name: string; role: Role }
export interface Caller { user: SignedInUser; scopes?: Scope[]; via: 'session' | 'token' }

const userSelect = { id: true, email: true, name: true, role: true } as const;
const asUser = (u: { id: string; email: string; name: string; role: string }): SignedInUser => ({ ...u, role: roleSchema.parse(u.role) });

export function createAccounts(db: Db, opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const byAddress = createRateLimiter(20, 15 * 60_000);
  const byEmail = createRateLimiter(5, 15 * 60_000);

  async function newSession(userId: string, ip?: string, userAgent?: string) {
    const { token, hash } = newToken('sys_');
    const expiresAt = new Date(now() + SESSION_DAYS * DAY);
    await db.session.create({ data: { id: hash, userId, expiresAt, ip: ip ?? null, userAgent: userAgent?.slice(0, 300) ?? null } });
    return { token, expiresAt };
  }

  return {
    async needsSetup(): Promise<boolean> {
      return (await db.user.count()) === 0;
    },

    /** The first account, an owner; refused once any account exists. */
    async setupOwner(input: { email: string; name: string; password: string }, ip?: string, userAgent?: string) {
      const email = emailSchema.parse(input.email);
      const name = nameSchema.parse(input.name);
      const passwordHash = await hashPassword(passwordSchema.parse(input.password));
      // One transaction: two browsers submitting the set-up at once make one owner.
      const user = await db.$transaction(async (tx) => {
        if ((await tx.user.count()) > 0) throw new ConflictError('Switchyard is already set up: sign in, or ask an owner for an invitation.');
        return tx.user.create({ data: { email, name, passwordHash, role: 'owner' }, select: userSelect });
      });
      return { user: asUser(user), ...(await newSession(user.id, ip, userAgent)) };
    },

    async signIn(input: { email: string; password: string }, ip = 'unknown', userAgent?: string) {
      const email = String(input.email ?? '').toLowerCase();
      for (const hit of [byAddress.hit(`ip:${ip}`), byEmail.hit(`email:${email}`)]) {
        if (!hit.allowed) throw new SignInError(`Too many sign-in attempts; try again in ${Math.ceil(hit.retryAfterMs / 60_000)} minute(s).`, hit.retryAfterMs);
      }
      const user = await db.user.findUnique({ where: { email }, select: { ...userSelect, passwordHash: true } });
      if (!(await verifyPassword(user?.passwordHash ?? null, String(input.password ?? ''))) || !user) throw new SignInError();
      byEmail.reset(`email:${email}`);
      return { user: asUser(user), ...(await newSession(user.id, ip, userAgent)) };
    },

    /** The caller a session cookie stands for, or undefined when it is unknown or expired. */
    async session(token: string | undefined): Promise<Caller | undefined> {
      if (!token) return undefined;
      const row = await db.session.findUnique({ where: { id: hashToken(token) }, include: { user: { select: userSelect } } });
      if (!row) return undefined;
      const t = now();
      if (row.expiresAt.getTime() <= t) { await db.session.deleteMany({ where: { id: row.id } }); return undefined; }
      if (t - row.lastSeenAt.getTime() > RENEW_AFTER_MS) {
        await db.session.update({ where: { id: row.id }, data: { lastSeenAt: new Date(t), expiresAt: new Date(t + SESSION_DAYS * DAY) } });
      }
      return { user: asUser(row.user), via: 'session' };
    },

    async signOut(token: string | undefined): Promise<void> {
      if (token) await db.session.deleteMany({ where: { id: hashToken(token) } });
    },

    /** A token for the CLI or automation, shown once. Scopes cap it below its owner's role. */
    async createApiToken(userId: string, input: { name: string; scopes: Scope[]; expiresInDays?: number }) {
      const scopes = z.array(scopeSchema).min(1, 'needs at least one scope').parse(input.scopes);
      const { token, hash } = newToken('sy_');
      const row = await db.apiToken.create({
        data: { userId, name: nameSchema.parse(input.name), prefix: token.slice(0, 8), tokenHash: hash, scopes, expiresAt: input.expiresInDays ? new Date(now() + input.expiresInDays * DAY) : null },
        select: { id: true, name: true, prefix: true, createdAt: true, expiresAt: true },
      });
      return { ...row, token, scopes };
    },

    async apiToken(token: string | undefined): Promise<Caller | undefined> {
      if (!token?.startsWith('sy_')) return undefined;
      const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { select: userSelect } } });
      if (!row || (row.expiresAt && row.expiresAt.getTime() <= now())) return undefined;
      // At most one write a minute per token.
      if (!row.lastUsedAt || now() - row.lastUsedAt.getTime() > 60_000) await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now()) } });
      return { user: asUser(row.user), scopes: z.array(scopeSchema).parse(row.scopes), via: 'token' };
    },

    async listApiTokens(userId: string) {
      return db.apiToken.findMany({ where: { userId }, select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true }, orderBy: { createdAt: 'desc' } });
    },

    async revokeApiToken(userId: string, id: string): Promise<void> {
      const { count } = await db.apiToken.deleteMany({ where: { id, userId } });
      if (count === 0) throw new NotFoundError('API token', id);
    },

    /** An invitation link's token, for whoever opens it first before it expires. */
    async invite(createdById: string, input: { role: Role; email?: string }) {
      const role = roleSchema.parse(input.role);
      const email = input.email ? emailSchema.parse(input.email) : null;
      const { token, hash } = newToken('syi_');
      const expiresAt = new Date(now() + INVITATION_DAYS * DAY);
      await db.invitation.create({ data: { tokenHash: hash, role, email, createdById, expiresAt } });
      return { token, role, email, expiresAt };
    },

    async acceptInvitation(input: { token: string; email: string; name: string; password: string }, ip?: string, userAgent?: string) {
      const email = emailSchema.parse(input.email);
      const name = nameSchema.parse(input.name);
      const passwordHash = await hashPassword(passwordSchema.parse(input.password));
      const user = await db.$transaction(async (tx) => {
        const inv = await tx.invitation.findUnique({ where: { tokenHash: hashToken(input.token) } });
        if (!inv || inv.acceptedAt || inv.expiresAt.getTime() <= now()) throw new ValidationError('This invitation link is not valid any more (used or expired); ask an owner for a new one.');
        if (inv.email && inv.email !== email) throw new ValidationError(`This invitation is for ${inv.email}.`);
        if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw new ConflictError(`An account for ${email} exists already: sign in instead.`);
        await tx.invitation.update({ where: { id: inv.id }, data: { acceptedAt: new Date(now()) } });
        return tx.user.create({ data: { email, name, passwordHash, role: inv.role }, select: userSelect });
      });
      return { user: asUser(user), ...(await newSession(user.id, ip, userAgent)) };
    },

    async listUsers() {
      return (await db.user.findMany({ select: { ...userSelect, createdAt: true }, orderBy: { createdAt: 'asc' } })).map((u) => ({ ...asUser(u), createdAt: u.createdAt }));
    },

    /** Changes a user's role; the last owner cannot stop being one (nobody could manage access). */
    async setRole(userId: string, role: Role) {
      return db.$transaction(async (tx) => {
        const user = await tx.user.findUnique({ where: { id: userId }, select: { role: true } });
        if (!user) throw new NotFoundError('User', userId);
        if (user.role === 'owner' && role !== 'owner' && (await tx.user.count({ where: { role: 'owner' } })) === 1) {
          throw new ConflictError('This is the last owner: make someone else an owner first.');
        }
        return asUser(await tx.user.update({ where: { id: userId }, data: { role: roleSchema.parse(role) }, select: userSelect }));
      });
    },

    /** For a locked-out user (run on the server): a new random password; every session ends. */
    async resetPassword(emailInput: string): Promise<{ email: string; password: string }> {
      const email = emailSchema.parse(emailInput);
      const user = await db.user.findUnique({ where: { email }, select: { id: true } });
      if (!user) throw new NotFoundError('User', email);
      const password = randomBytes(15).toString('base64url');
      await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
      await db.session.deleteMany({ where: { userId: user.id } });
      return { email, password };
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
