import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { roleProcedure, router } from '../init.ts';

// Definitions as plain data (metadata + config JSON Schema): the palette and config forms
// work even for node types the browser bundle never imported.
export const nodesRouter = router({
  list: roleProcedure('viewer').query(({ ctx }) => ctx.nodeData),

  /**
   * Checks a config against its node type's zod schema — the one the validator and the engine
   * use, so a form built from the JSON Schema gets the same answers (cross-field rules
   * included) for types the browser never imported.
   */
  checkConfig: roleProcedure('viewer')
    .input(z.object({ type: z.string().min(1).max(63), config: z.record(z.string(), z.unknown()) }))
    .query(({ ctx, input }) => {
      const def = ctx.registry.get(input.type);
      if (!def) throw new TRPCError({ code: 'NOT_FOUND', message: `Unknown node type "${input.type}".` });
      const parsed = def.config.safeParse(input.config);
      if (parsed.success) return { ok: true as const, issues: [], config: parsed.data as Record<string, unknown> };
      return {
        ok: false as const,
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        config: undefined,
      };
    }),
});
