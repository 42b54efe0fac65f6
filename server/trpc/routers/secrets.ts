import { z } from 'zod';
import { NotFoundError } from '../../../engine/errors.ts';
import { secretNameSchema, secretValueSchema } from '../../secrets/secret-store.ts';
import { roleProcedure, router } from '../init.ts';

const iso = <T extends { createdAt: Date; updatedAt: Date }>(s: T) => ({ ...s, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() });

/**
 * Secrets by name. Values go in and never come out: no procedure returns one, they are read
 * only on the server when a step runs (docs/engine.md, "Secrets").
 */
export const secretsRouter = router({
  list: roleProcedure('editor').query(async ({ ctx }) => (await ctx.secrets.list()).map(iso)),

  create: roleProcedure('owner').input(z.object({ name: secretNameSchema, value: secretValueSchema })).mutation(async ({ ctx, input }) =>
    iso(await ctx.secrets.set(input.name, input.value, 'create'))),

  /** A new value for an existing secret; runs started from now on get it. */
  rotate: roleProcedure('owner').input(z.object({ name: secretNameSchema, value: secretValueSchema })).mutation(async ({ ctx, input }) => {
    if (!(await ctx.secrets.list()).some((s) => s.name === input.name)) throw new NotFoundError('Secret', input.name);
    return iso(await ctx.secrets.set(input.name, input.value));
  }),

  delete: roleProcedure('owner').input(z.object({ name: secretNameSchema })).mutation(async ({ ctx, input }) => {
    await ctx.secrets.delete(input.name);
    return { name: input.name };
  }),
});
