// The app's API: one router per entity, merged here. `AppRouter` is the type the
// browser's tRPC client is built from.
import { router } from './init.ts';
import { auditRouter } from './routers/audit.ts';
import { authRouter } from './routers/auth.ts';
import { breakersRouter } from './routers/breakers.ts';
import { nodesRouter } from './routers/nodes.ts';
import { runsRouter } from './routers/runs.ts';
import { secretsRouter } from './routers/secrets.ts';
import { systemRouter } from './routers/system.ts';
import { versionsRouter } from './routers/versions.ts';
import { workflowsRouter } from './routers/workflows.ts';

export const appRouter = router({
  auth: authRouter,
  system: systemRouter,
  workflows: workflowsRouter,
  versions: versionsRouter,
  nodes: nodesRouter,
  runs: runsRouter,
  breakers: breakersRouter,
  secrets: secretsRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
