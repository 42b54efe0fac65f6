// The tRPC instance and the base procedures every router builds on. Routers never call
// initTRPC themselves: new procedures start from one of the bases exported here, which is
// where authentication and role checks will live.
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { SwitchyardError, type ErrorCode } from '../../engine/errors.ts';
import type { Context } from './context.ts';

const trpcCodeOf: Record<ErrorCode, TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  VALIDATION: 'BAD_REQUEST',
  CONFLICT: 'CONFLICT',
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

/** Every successful mutation is written to the audit log (server/audit/audit-log.ts). */
const audit = t.middleware(async ({ type, path, ctx, getRawInput, next }) => {
  const result = await next();
  if (type === 'mutation' && result.ok && ctx.audit) {
    await ctx.audit.record({ action: path, ip: ctx.request?.ip, input: await getRawInput().catch(() => undefined), output: result.data });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Anyone may call it. Only for what is safe to show before sign-in. */
export const publicProcedure = t.procedure.use(mapErrors).use(audit);
