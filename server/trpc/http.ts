import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from '../logger.ts';
import type { Context } from './context.ts';
import { paths } from '../http/routes.ts';
import { appRouter } from './router.ts';

export function createTrpcHandler(ctx: Context, log: Logger) {
  return createHTTPHandler({
    router: appRouter,
    basePath: paths.trpc + '/',
    createContext: () => ctx,
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error('tRPC procedure failed', { path, error: error.cause ?? error });
    },
  });
}
