import { z } from 'zod';
import { workflowIdSchema } from '../../../engine/format/schema.ts';
import { roleProcedure, router } from '../init.ts';

// Workflow YAML is capped here too (the codec has its own, lower cap with a located error).
const yamlText = z.string().max(2 * 1024 * 1024, 'The YAML is larger than 2 MB');
const id = workflowIdSchema;

export const workflowCreateInput = z.object({
  name: z.string().trim().min(1, 'Give the workflow a name').max(120, 'Keep the name under 120 characters'),
  description: z.string().trim().max(2000).optional(),
  id: workflowIdSchema.optional(),
});

export const workflowsRouter = router({
  list: roleProcedure('viewer')
    .input(z.object({ search: z.string().max(200).optional(), tag: z.string().max(50).optional() }).default({}))
    .query(({ ctx, input }) => ctx.workflows.list(input)),

  get: roleProcedure('viewer').input(z.object({ id })).query(({ ctx, input }) => ctx.workflows.get(input.id)),

  create: roleProcedure('editor').input(workflowCreateInput).mutation(({ ctx, input }) => ctx.workflows.create(input)),

  /** Saves the draft; on any parse or schema error nothing is saved and the diagnostics return. */
  update: roleProcedure('editor').input(z.object({ id, yaml: yamlText })).mutation(({ ctx, input }) => ctx.workflows.update(input.id, input.yaml)),

  delete: roleProcedure('editor').input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await ctx.workflows.delete(input.id);
    return { id: input.id };
  }),

  duplicate: roleProcedure('editor')
    .input(z.object({ id, name: z.string().trim().min(1).max(120).optional() }))
    .mutation(({ ctx, input }) => ctx.workflows.duplicate(input.id, input.name)),

  validate: roleProcedure('viewer').input(z.object({ yaml: yamlText })).query(({ ctx, input }) => ({ diagnostics: ctx.workflows.validate(input.yaml) })),

  export: roleProcedure('viewer').input(z.object({ id })).query(({ ctx, input }) => ctx.workflows.export(input.id)),

  import: roleProcedure('editor')
    .input(z.object({ yaml: yamlText, onConflict: z.enum(['error', 'rename']).default('error') }))
    .mutation(({ ctx, input }) => ctx.workflows.import(input.yaml, input.onConflict)),
});
