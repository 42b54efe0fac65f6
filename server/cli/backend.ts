// Where the CLI's run commands act: an engine inside the CLI process (the default — its own
// data directory unless DATA_DIR / DATABASE_URL say otherwise), or a running server reached
// over its tRPC API (--server URL --token T). Both look the same to the commands.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../engine/diagnostics.ts';
import { loadWorkflowYaml } from '../../engine/workflow/load.ts';
import type { NodeRegistry } from '../../engine/nodes/define-node.ts';
import { nodeRegistry } from '../../nodes/registry.generated.ts';
import { createSwitchyard, type Switchyard } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import type { AppRouter } from '../trpc/router.ts';

export interface JournalEntry { seq: number; type: string; payload: Record<string, unknown>; at: string }
export interface RunSummary { id: string; number: number; workflowId: string; status: string; createdAt: string; startedAt: string | null; finishedAt: string | null }
export interface RunDetail extends RunSummary { error: unknown; steps: { stepId: string; iteration: string; status: string }[] }

/** A problem with what the user asked for (exit code 2), as opposed to a run that failed (1). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Backend {
  /** A workflow id, importing and publishing a file first when `target` is one. */
  resolve(target: string): Promise<string>;
  start(workflowId: string, inputs: Record<string, unknown>, version?: number): Promise<{ runId: string; number: number }>;
  /** Journal entries after `afterSeq`; `wait` lets a local engine return as soon as there are some. */
  events(runId: string, afterSeq: number): Promise<JournalEntry[]>;
  get(runId: string): Promise<RunDetail>;
  list(filter: { workflowId?: string; status?: string; limit: number }): Promise<RunSummary[]>;
  resume(runId: string): Promise<void>;
  cancel(runId: string, reason?: string): Promise<void>;
  /** Local only: executes the run here if nobody else does (it was left behind, or queued). */
  adopt?(runId: string): Promise<boolean>;
  /** The workflow's saved YAML (its draft), for the view's list of steps. */
  yamlOf(workflowId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface BackendOptions { server?: string; token?: string; dataDir?: string; databaseUrl?: string }

const looksLikeFile = (target: string) => /\.ya?ml$/i.test(target) || target.includes(path.sep) || existsSync(target);

/** Checks a workflow file; throws UsageError listing its problems with line and column. */
function checkFile(file: string, read: (f: string) => string, registry: NodeRegistry = nodeRegistry): string {
  let text: string;
  try { text = read(file); } catch (err) { throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`); }
  const loaded = loadWorkflowYaml(text, registry);
  if (hasErrors(loaded.diagnostics)) {
    throw new UsageError(`${file} is not a valid workflow:\n${loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `  ${formatDiagnostic(d, file)}`).join('\n')}\nFix these (\`switchyard validate ${file}\` checks the file alone), then run it again.`);
  }
  return text;
}

function saveProblems(diagnostics: Diagnostic[]): string {
  return diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d)).join('; ');
}

export async function localBackend(opts: BackendOptions, read: (f: string) => string): Promise<Backend> {
  const env: Record<string, string | undefined> = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  env.DATA_DIR = opts.dataDir ?? process.env.DATA_DIR ?? path.resolve('.switchyard');
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'error'; // the terminal view is the output
  // The CLI runs the user's own workflow on the user's own machine: its services are fair game.
  env.HTTP_ALLOW_PRIVATE = process.env.HTTP_ALLOW_PRIVATE ?? 'true';
  const config = loadConfig(env);
  const app: Switchyard = await createSwitchyard(config, { ui: false, log: createLogger(config.logLevel, 'switchyard') });
  const { runs, workflows, versions, db, journal } = app.context;
  runs.startBackground({ recover: false });
  const wakers = new Set<() => void>();
  runs.bus.on('event', () => { for (const w of wakers) w(); });

  return {
    async resolve(target) {
      if (!looksLikeFile(target)) return target;
      // The app's registry: it has the node types of NODE_DIRS too.
      const text = checkFile(target, read, app.context.registry);
      const id = loadWorkflowYaml(text, app.context.registry).workflow!.id;
      const saved = (await db.workflow.findUnique({ where: { id }, select: { id: true } })) ? await workflows.update(id, text) : await workflows.import(text);
      if (!saved.ok) throw new UsageError(`could not save ${target}: ${saveProblems(saved.diagnostics)}`);
      await versions.publish(id, `switchyard run ${path.basename(target)}`);
      return id;
    },
    start: (workflowId, inputs, version) => runs.start({ workflowId, inputs, version, trigger: 'manual' }),
    async events(runId, afterSeq) {
      const read = async () => (await journal.read(runId, afterSeq)).map((e) => ({ seq: e.seq, type: e.type, payload: e.payload as Record<string, unknown>, at: e.at.toISOString() }));
      const now = await read();
      if (now.length) return now;
      // Nothing new: wait for the bus (this process's runs) or a short while (another process's).
      await new Promise<void>((resolve) => {
        const done = () => { clearTimeout(timer); wakers.delete(done); resolve(); };
        const timer = setTimeout(done, 250);
        wakers.add(done);
      });
      return read();
    },
    async get(runId) {
      const run = await db.run.findUnique({ where: { id: runId }, include: { steps: { select: { stepId: true, iteration: true, status: true } } } });
      if (!run) throw new UsageError(`no run with id ${runId}`);
      return { ...summary(run), error: run.error, steps: run.steps };
    },
    async list({ workflowId, status, limit }) {
      const rows = await db.run.findMany({ where: { ...(workflowId ? { workflowId } : {}), ...(status ? { status } : {}) }, orderBy: { createdAt: 'desc' }, take: limit });
      return rows.map(summary);
    },
    resume: (runId) => runs.resume(runId, 'cli'),
    cancel: (runId, reason) => runs.cancel(runId, 'cli', reason),
    adopt: (runId) => runs.adopt(runId),
    yamlOf: async (id) => (await db.workflow.findUnique({ where: { id }, select: { draftYaml: true } }))?.draftYaml,
    close: () => app.close(),
  };
}

function summary(r: { id: string; number: number; workflowId: string; status: string; createdAt: Date; startedAt: Date | null; finishedAt: Date | null }): RunSummary {
  return { id: r.id, number: r.number, workflowId: r.workflowId, status: r.status, createdAt: r.createdAt.toISOString(), startedAt: r.startedAt?.toISOString() ?? null, finishedAt: r.finishedAt?.toISOString() ?? null };
}

export function remoteBackend(opts: BackendOptions & { server: string }, read: (f: string) => string): Backend {
  const url = `${opts.server.replace(/\/+$/, '')}/api/trpc`;
  const api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url, headers: () => (opts.token ? { authorization: `Bearer ${opts.token}` } : {}) })] });
  const call = async <T>(what: Promise<T>): Promise<T> => {
    try { return await what; } catch (err) {
      const e = err as { data?: { code?: string }; message: string; cause?: { code?: string } };
      if (e.data?.code === 'UNAUTHORIZED' || e.data?.code === 'FORBIDDEN') throw new UsageError(`${e.message} (create a token in the app, then pass --token or set SWITCHYARD_TOKEN)`);
      if (e.data?.code === 'BAD_REQUEST' || e.data?.code === 'NOT_FOUND' || e.data?.code === 'CONFLICT') throw new UsageError(e.message);
      if (!e.data) throw new UsageError(`cannot reach the server at ${opts.server}: ${e.message}`);
      throw err;
    }
  };
  return {
    async resolve(target) {
      if (!looksLikeFile(target)) return target;
      const text = checkFile(target, read);
      const id = loadWorkflowYaml(text, nodeRegistry).workflow!.id;
      const exists = await api.workflows.get.query({ id }).then(() => true, () => false);
      const saved = exists ? await call(api.workflows.update.mutate({ id, yaml: text })) : await call(api.workflows.import.mutate({ yaml: text }));
      if (!saved.ok) throw new UsageError(`could not save ${target}: ${saveProblems(saved.diagnostics)}`);
      await call(api.versions.publish.mutate({ workflowId: id, message: `switchyard run ${path.basename(target)}` }));
      return id;
    },
    start: (workflowId, inputs, version) => call(api.runs.start.mutate({ workflowId, inputs, version })),
    async events(runId, afterSeq) {
      const rows = await call(api.runs.events.query({ runId, afterSeq }));
      if (!rows.length) await new Promise((r) => setTimeout(r, 250));
      return rows.map((e) => ({ ...e, payload: e.payload as Record<string, unknown> }));
    },
    async get(runId) {
      const run = await call(api.runs.get.query({ runId }));
      return { id: run.id, number: run.number, workflowId: run.workflowId, status: run.status, createdAt: run.createdAt!, startedAt: run.startedAt, finishedAt: run.finishedAt, error: run.error, steps: run.steps };
    },
    async list({ workflowId, status, limit }) {
      const rows = await call(api.runs.list.query({ workflowId, status, limit }));
      return rows.map((r) => ({ id: r.id, number: r.number, workflowId: r.workflowId, status: r.status, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt }));
    },
    resume: async (runId) => { await call(api.runs.resume.mutate({ runId })); },
    cancel: async (runId, reason) => { await call(api.runs.cancel.mutate({ runId, reason })); },
    yamlOf: async (id) => (await api.workflows.export.query({ id }).catch(() => undefined))?.yaml,
    close: async () => undefined,
  };
}
