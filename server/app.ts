// Builds the whole server from a Config: one HTTP server hosting Next.js, tRPC,
// socket.io, the Yjs websocket and the health check. Factories take their dependencies;
// nothing here is module-level state, so tests start as many servers as they like.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { applyRunnerSettings, createNodeRegistry, toNodeData, type NodeRegistry, type NodeRunner } from '../engine/nodes/define-node.ts';
import { nodeRegistry } from '../nodes/registry.generated.ts';
import { nodeRunners } from '../nodes/runners.generated.ts';
import { createJournalStore } from './engine/journal-store.ts';
import { loadExternalNodes } from './nodes/external-nodes.ts';
import { createRunService } from './engine/run-service.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { createAccounts } from './auth/accounts.ts';
import { callerOfRequest } from './auth/request-caller.ts';
import { allows, effectiveRole } from './auth/roles.ts';
import { createSecretCipher } from './secrets/cipher.ts';
import { createSecretStore } from './secrets/secret-store.ts';
import type { Config } from './config.ts';
import { openMigratedDatabase, type Db } from './db/index.ts';
import { createHealthCheck, createHealthHandler } from './http/health.ts';
import { createSchemaHandler } from './http/schema.ts';
import { createOriginPolicy } from './http/origin.ts';
import { createRequestRouter, createUpgradeRouter, rejectUpgrade } from './http/routes.ts';
import { createLogger, type Logger } from './logger.ts';
import { createNextApp, type NextApp } from './next-app.ts';
import { createRealtime, type Realtime } from './realtime/socket.ts';
import { createTrpcHandler } from './trpc/http.ts';
import type { Context } from './trpc/context.ts';
import { createPrismaYjsPersistence } from './yjs/prisma-persistence.ts';
import { createYjsService } from './yjs/service.ts';
import { createWorkflowStore } from './workflows/store.ts';
import { createVersionStore } from './workflows/versions.ts';

export interface SwitchyardOptions {
  /** Serve the Next.js UI (false: API and websockets only, for tests and workers). */
  ui?: boolean;
  log?: Logger;
  /** Node types; defaults to every folder under nodes/. */
  registry?: NodeRegistry;
  /** Step runners; defaults to every nodes/<type>/run.ts. */
  runners?: NodeRunner[];
  /** Run leases (ms); short in tests that exercise recovery. */
  leaseMs?: number;
  /** Between SIGTERM and SIGKILL of a cancelled step's processes (default 2 s); short in tests. */
  killGraceMs?: number;
}

export interface Switchyard {
  httpServer: http.Server;
  db: Db;
  realtime: Realtime;
  context: Context;
  listen(): Promise<{ port: number; url: string }>;
  /** Graceful: stop accepting, flush writes, close sockets and the database. */
  close(): Promise<void>;
}

// Connections still open this long after close() starts are cut, so shutdown stays
// inside the 5 s budget that process managers usually allow.
const DRAIN_MS = 2500;

/** The built-in node types (or the ones a test gives), plus those of NODE_DIRS. */
async function nodeTypes(config: Config, opts: SwitchyardOptions, log: Logger): Promise<{ registry: NodeRegistry; runners: NodeRunner[]; external: ReadonlySet<string> }> {
  const registry = opts.registry ?? nodeRegistry;
  const runners = opts.runners ?? nodeRunners;
  if (config.nodeDirs.length === 0) return { registry, runners, external: new Set() };
  const external = await loadExternalNodes(config.nodeDirs, new Set(registry.list().map((d) => d.type)));
  for (const n of external) log.info('node type loaded', { type: n.type, dir: n.dir });
  return {
    registry: createNodeRegistry([...registry.list(), ...external.map((n) => n.definition)]),
    runners: [...runners, ...external.map((n) => n.runner)],
    external: new Set(external.map((n) => n.type)),
  };
}

export async function createSwitchyard(config: Config, opts: SwitchyardOptions = {}): Promise<Switchyard> {
  const log = opts.log ?? createLogger(config.logLevel);
  const { db, migrated } = await openMigratedDatabase(config.database);
  if (migrated.applied.length) log.info('database migrated', { applied: migrated.applied });

  let nodes: Awaited<ReturnType<typeof nodeTypes>>;
  try {
    nodes = await nodeTypes(config, opts, log);
  } catch (err) {
    await db.$disconnect();
    throw err;
  }

  let next: NextApp | undefined;
  try {
    next = opts.ui === false ? undefined : await createNextApp({ dev: config.dev, hostname: config.host, port: config.port });
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  const health = createHealthCheck(db, config.database);
  const registry = nodes.registry;
  const workflows = createWorkflowStore(db, registry);
  const versions = createVersionStore(db, registry, workflows);
  const journal = await createJournalStore(config.database, { busyTimeoutMs: 5000 });
  const secrets = createSecretStore({ db, cipher: createSecretCipher(config.secretKey), env: config.secretEnv, log: log.child('secrets') });
  await secrets.load();
  secrets.start();
  const runs = createRunService({
    db, dataDir: config.dataDir, journal, registry, runners: applyRunnerSettings(nodes.runners, config.runners), log: log.child('engine'), leaseMs: opts.leaseMs ?? config.engine.leaseMs,
    provider: config.database.provider, maxActiveRuns: config.engine.maxActiveRuns, stepLogMaxBytes: config.engine.stepLogMaxBytes, maxParallelPerRun: config.engine.maxParallelStepsPerRun,
    secrets, killGraceMs: opts.killGraceMs,
  });
  const context: Context = { db, config, log, health, registry, nodeData: registry.list().map((d) => (nodes.external.has(d.type) ? { ...toNodeData(d), external: true as const } : toNodeData(d))), workflows, versions, runs, journal, secrets, audit: createAuditLog(db, log.child('audit')), accounts: createAccounts(db) };
  const realtime = createRealtime(log.child('socket'), async (req) => (await callerOfRequest(context.accounts, req)) !== undefined);
  const yjs = createYjsService({ persistence: createPrismaYjsPersistence(db), logger: log.child('yjs') });

  const origins = createOriginPolicy({ bindHost: config.host, publicUrl: config.origins.publicUrl, allowedOrigins: config.origins.allowed });
  const httpServer = http.createServer(
    createRequestRouter(
      {
        health: createHealthHandler(health),
        schema: createSchemaHandler(),
        trpc: createTrpcHandler(context, log.child('trpc')),
        socketIo: realtime.handleRequest,
        fallback: next ? next.handle : (_req, res) => { res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found'); },
      },
      (err) => log.error('request failed', { error: err }),
      origins,
    ),
  );
  // Upgraded sockets leave the HTTP server's bookkeeping (closeAllConnections cannot see
  // them) yet still hold server.close() open, so they are tracked here.
  const upgraded = new Set<Duplex>();
  const routeUpgrade = createUpgradeRouter({
    socketIo: realtime.handleUpgrade,
    // Signed-in users only; viewers (or read-scoped tokens) get a read-only connection.
    yjs: (req, socket, head, room) => {
      callerOfRequest(context.accounts, req).then((caller) => {
        if (!caller) return rejectUpgrade(socket, 401, 'Unauthorized');
        yjs.handleUpgrade(req, socket, head, { docName: room, readOnly: !allows(effectiveRole(caller.user.role, caller.scopes), 'editor') });
      }, (err: unknown) => { log.error('yjs upgrade failed', { error: err }); rejectUpgrade(socket, 500, 'Internal Server Error'); });
    },
    next: next?.handleUpgrade,
  }, origins);
  httpServer.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    routeUpgrade(req, socket, head);
  });

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    await runs.close();
    secrets.stop();
    await realtime.close();
    await yjs.close();
    const cut = setTimeout(() => httpServer.closeAllConnections(), DRAIN_MS);
    // Our own websockets are closed by now; what remains (Next's dev socket) is not ours to drain.
    for (const socket of upgraded) socket.destroy();
    await stopped;
    clearTimeout(cut);
    await next?.close().catch((err: unknown) => log.warn('next close failed', { error: err }));
    await journal.close();
    await db.$disconnect();
  })());

  return {
    httpServer, db, realtime, context, close,
    listen: () => new Promise((resolve, reject) => {
      runs.startBackground();
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        const { port } = httpServer.address() as AddressInfo;
        const host = config.host.includes(':') ? `[${config.host}]` : config.host;
        resolve({ port, url: `http://${host}:${port}` });
      });
    }),
  };
}
