import { z } from 'zod';
import { emailSchema, nameSchema } from '../../auth/accounts.ts';
import { clearedSessionCookie, sessionCookie } from '../../auth/cookies.ts';
import { passwordSchema } from '../../auth/passwords.ts';
import { roleSchema, scopeSchema } from '../../auth/roles.ts';
import type { Context } from '../context.ts';
import { authedProcedure, publicProcedure, roleProcedure, router } from '../init.ts';

const signIn = (ctx: Context, session: { token: string; expiresAt: Date }) => ctx.request?.setCookie(sessionCookie(session.token, session.expiresAt, ctx.request.secure));

/**
 * Accounts (server/auth/accounts.ts): the first owner, sign-in and out, invitations and API
 * tokens. Sessions travel in an HttpOnly cookie the browser never shows to scripts.
 */
export const authRouter = router({
  /** What the app shows first: the owner set-up, the sign-in page, or the signed-in user. */
  status: publicProcedure.query(async ({ ctx }) => ({
    needsSetup: await ctx.accounts.needsSetup(),
    user: ctx.caller?.user ?? null,
  })),

  setup: publicProcedure
    .input(z.object({ email: emailSchema, name: nameSchema, password: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const { user, ...session } = await ctx.accounts.setupOwner(input, ctx.request?.ip, ctx.request?.userAgent);
      signIn(ctx, session);
      return { user };
    }),

  signIn: publicProcedure
    .input(z.object({ email: z.string().max(320), password: z.string().max(256) }))
    .mutation(async ({ ctx, input }) => {
      const { user, ...session } = await ctx.accounts.signIn(input, ctx.request?.ip, ctx.request?.userAgent);
      signIn(ctx, session);
      return { user };
    }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    await ctx.accounts.signOut(ctx.request?.sessionToken);
    ctx.request?.setCookie(clearedSessionCookie(ctx.request.secure));
    return { signedOut: true };
  }),

  /** An invitation link's token (the link is <app>/invite/<token>), valid for 7 days. */
  invite: roleProcedure('owner')
    .input(z.object({ role: roleSchema, email: emailSchema.optional() }))
    .mutation(({ ctx, input }) => ctx.accounts.invite(ctx.caller.user.id, input)),

  acceptInvitation: publicProcedure
    .input(z.object({ token: z.string().min(1).max(200), email: emailSchema, name: nameSchema, password: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const { user, ...session } = await ctx.accounts.acceptInvitation(input, ctx.request?.ip, ctx.request?.userAgent);
      signIn(ctx, session);
      return { user };
    }),

  users: router({
    list: roleProcedure('owner').query(async ({ ctx }) => (await ctx.accounts.listUsers()).map((u) => ({ ...u, createdAt: u.createdAt.toISOString() }))),
    setRole: roleProcedure('owner')
      .input(z.object({ id: z.string().min(1).max(100), role: roleSchema }))
      .mutation(({ ctx, input }) => ctx.accounts.setRole(input.id, input.role)),
  }),

  tokens: router({
    list: authedProcedure.query(({ ctx }) => ctx.accounts.listApiTokens(ctx.caller.user.id)),
    /** The token is in this answer only; it cannot be shown again. */
    create: authedProcedure
      .input(z.object({ name: nameSchema, scopes: z.array(scopeSchema).min(1), expiresInDays: z.number().int().min(1).max(3650).optional() }))
      .mutation(({ ctx, input }) => ctx.accounts.createApiToken(ctx.caller.user.id, input)),
    revoke: authedProcedure.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
      await ctx.accounts.revokeApiToken(ctx.caller.user.id, input.id);
      return { id: input.id };
    }),
  }),
});
