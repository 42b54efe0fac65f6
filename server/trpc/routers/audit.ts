import { z } from 'zod';
import { roleProcedure, router } from '../init.ts';

/** The audit log (server/audit/audit-log.ts): newest first, filtered, paged by id. */
export const auditRouter = router({
  list: roleProcedure('owner')
    .input(z.object({
      action: z.string().max(100).optional(),
      actor: z.string().max(200).optional(),
      targetId: z.string().max(200).optional(),
      before: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(200).default(50),
    }).default({ limit: 50 }))
    .query(({ ctx, input }) => ctx.audit.list(input)),

  actions: roleProcedure('owner').query(({ ctx }) => ctx.audit.actions()),
});
