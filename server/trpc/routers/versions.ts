import { z } from 'zod';
import { workflowIdSchema } from '../../../engine/format/schema.ts';
import { roleProcedure, router } from '../init.ts';

const workflowId = workflowIdSchema;
const number = z.number().int().min(1);
const revision = z.union([number, z.literal('draft')]);

export const versionsRouter = router({
  publish: roleProcedure('editor')
    .input(z.object({ workflowId, message: z.string().trim().max(500).default('') }))
    .mutation(({ ctx, input }) => ctx.versions.publish(input.workflowId, input.message)),
  list: roleProcedure('viewer').input(z.object({ workflowId })).query(({ ctx, input }) => ctx.versions.list(input.workflowId)),
  get: roleProcedure('viewer').input(z.object({ workflowId, number })).query(({ ctx, input }) => ctx.versions.get(input.workflowId, input.number)),
  diff: roleProcedure('viewer')
    .input(z.object({ workflowId, from: revision, to: revision }))
    .query(({ ctx, input }) => ctx.versions.diff(input.workflowId, input.from, input.to)),
  restore: roleProcedure('editor').input(z.object({ workflowId, number })).mutation(({ ctx, input }) => ctx.versions.restore(input.workflowId, input.number)),
});
