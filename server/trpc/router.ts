// The app's API: one router per entity, merged here. `AppRouter` is the type the
// browser's tRPC client is built from.
import { router } from './init.ts';
import { systemRouter } from './routers/system.ts';
import { workflowRouter } from './routers/workflow.ts';

export const appRouter = router({
  system: systemRouter,
  workflow: workflowRouter,
});

export type AppRouter = typeof appRouter;
