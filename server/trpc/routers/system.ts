import { publicProcedure, router } from '../init.ts';

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) => ctx.health()),
});
