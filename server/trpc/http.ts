import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from '../logger.ts';
import type { Context } from './context.ts';
import { paths } from '../http/routes.ts';
import { bearerOf, readCookie, SESSION_COOKIE } from '../auth/cookies.ts';
import { appRouter } from './router.ts';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function createTrpcHandler(ctx: Context, log: Logger) {
  return createHTTPHandler({
    router: appRouter,
    basePath: paths.trpc + '/',
    // Bodies are refused while streaming in, past this size (the largest input is a 2 MB
    // workflow YAML, JSON-escaped).
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) => ({
      ...ctx,
      request: {
        ip: req.socket.remoteAddress,
        userAgent: req.headers['user-agent'],
        sessionToken: readCookie(req.headers.cookie, SESSION_COOKIE),
        bearerToken: bearerOf(req.headers.authorization),
        secure: ctx.config.origins.publicUrl?.startsWith('https:') ?? false,
        setCookie: (cookie) => res.appendHeader('set-cookie', cookie),
      },
    }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error('tRPC procedure failed', { path, error: error.cause ?? error });
    },
  });
}
