import { z } from 'zod';
import { NotFoundError } from '../../../engine/errors.ts';
import { roleProcedure, router } from '../init.ts';

/** Circuit breakers of node targets (docs/engine.md, "Circuit breakers"). */
export const breakersRouter = router({
  list: roleProcedure('viewer').query(({ ctx }) => ctx.runs.breakers.list()),

  /** Closes a breaker by hand, e.g. after fixing the target. */
  reset: roleProcedure('editor').input(z.object({ target: z.string().min(1).max(500) })).mutation(async ({ ctx, input }) => {
    if (!(await ctx.runs.breakers.reset(input.target))) throw new NotFoundError('Circuit breaker', input.target);
    return { target: input.target };
  }),
});
