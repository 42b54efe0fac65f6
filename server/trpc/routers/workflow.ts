import { z } from 'zod';
import { NotFoundError } from '../../../engine/errors.ts';
import { publicProcedure, router } from '../init.ts';

const id = z.string().min(1).max(64);

export const workflowCreateInput = z.object({
  name: z.string().trim().min(1, 'Give the workflow a name').max(120, 'Keep the name under 120 characters'),
  description: z.string().max(2000).default(''),
});

const summary = {
  id: true, name: true, description: true, tags: true, createdAt: true, updatedAt: true,
} as const;

const tagsSchema = z.array(z.string()).catch([]);

// Dates go out as ISO strings: no transformer, so what the type says is what arrives.
function toSummary(r: { id: string; name: string; description: string; tags: unknown; createdAt: Date; updatedAt: Date }) {
  return { ...r, tags: tagsSchema.parse(r.tags), createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

// The smallest valid document; the format issue replaces this with the YAML codec.
function initialYaml(name: string): string {
  return `apiVersion: switchyard/v1\nname: ${JSON.stringify(name)}\nsteps: []\n`;
}

export const workflowRouter = router({
  list: publicProcedure
    .input(z.object({ search: z.string().max(200).optional() }).default({}))
    .query(async ({ ctx, input }) => {
      const search = input.search?.trim();
      const rows = await ctx.db.workflow.findMany({
        where: search ? { name: { contains: search } } : undefined,
        orderBy: { updatedAt: 'desc' },
        select: summary,
        take: 500,
      });
      return rows.map(toSummary);
    }),

  byId: publicProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const row = await ctx.db.workflow.findUnique({ where: { id: input.id }, select: { ...summary, draftYaml: true } });
    if (!row) throw new NotFoundError('Workflow', input.id);
    return { ...toSummary(row), draftYaml: row.draftYaml };
  }),

  create: publicProcedure.input(workflowCreateInput).mutation(async ({ ctx, input }) => {
    return ctx.db.workflow.create({
      data: { name: input.name, description: input.description, draftYaml: initialYaml(input.name) },
      select: { id: true, name: true },
    });
  }),

  delete: publicProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.db.workflow.deleteMany({ where: { id: input.id } });
    if (count === 0) throw new NotFoundError('Workflow', input.id);
    return { id: input.id };
  }),
});
