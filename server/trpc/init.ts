// The tRPC instance and the base procedures every router builds on. Routers never call
// initTRPC themselves: new procedures start from one of the bases exported here —
// publicProcedure, authedProcedure, roleProcedure(role) — which is where the caller is
// identified (session cookie or API token), roles are checked and changes are audited.
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { SwitchyardError, type ErrorCode } from '../../engine/errors.ts';
import type { Caller } from '../auth/accounts.ts';
import { allows, effectiveRole, type Role } from '../auth/roles.ts';
import type { Context } from './context.ts';

const trpcCodeOf: Record<ErrorCode, TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  VALIDATION: 'BAD_REQUEST',
  CONFLICT: 'CONFLICT',
  UNAUTHORIZED: 'UNAUTHORIZED',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field-by-field messages for forms; null when the input parsed.
        zodError: cause instanceof z.ZodError ? z.flattenError(cause as z.ZodError<Record<string, unknown>>) : null,
        switchyard: cause instanceof SwitchyardError ? cause.toJSON() : null,
      },
    };
  },
});

/** Turns our typed errors into tRPC errors with the matching code. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof SwitchyardError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: trpcCodeOf[cause.code], message: cause.message, cause });
  }
  return result;
});

/**
 * Who is calling: the session cookie's user, or an API token's (capped by its scopes). Looked
 * up once per procedure call; undefined for anonymous callers and in-process callers.
 */
const identify = t.middleware(async ({ ctx, next }) => {
  const r = ctx.request;
  const caller = r && ctx.accounts ? (await ctx.accounts.apiToken(r.bearerToken)) ?? (await ctx.accounts.session(r.sessionToken)) : undefined;
  return next({ ctx: { caller } });
});

/** Every successful mutation is written to the audit log (server/audit/audit-log.ts). */
const audit = t.middleware(async ({ type, path, ctx, getRawInput, next }) => {
  const result = await next();
  if (type === 'mutation' && result.ok && ctx.audit) {
    const actor = (ctx as { caller?: Caller }).caller?.user.email;
    await ctx.audit.record({ action: path, actor, ip: ctx.request?.ip, input: await getRawInput().catch(() => undefined), output: result.data });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Anyone may call it. Only for what is safe to show before sign-in. */
export const publicProcedure = t.procedure.use(mapErrors).use(identify).use(audit);

/** A signed-in user or a valid API token. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.caller) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first (or send an API token as "Authorization: Bearer …").' });
  return next({ ctx: { caller: ctx.caller } });
});

/** A caller whose role — capped by a token's scopes — is at least `min`. */
export function roleProcedure(min: Role) {
  return authedProcedure.use(({ ctx, next }) => {
    const role = effectiveRole(ctx.caller.user.role, ctx.caller.scopes);
    if (!allows(role, min)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This needs the ${min} role; ${ctx.caller.via === 'token' ? 'this token is limited to' : 'you are'} ${role}.` });
    }
    return next();
  });
}
