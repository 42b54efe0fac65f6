import { publicProcedure, router } from '../init.ts';

// Definitions as plain data (metadata + config JSON Schema): the palette and config forms
// work even for node types the browser bundle never imported.
export const nodesRouter = router({
  list: publicProcedure.query(({ ctx }) => ctx.nodeData),
});
