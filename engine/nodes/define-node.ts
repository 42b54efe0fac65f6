// The node contract. A node type is a folder under nodes/<type>/ with:
//   definition.ts — `export default defineNode({...})`: what the browser may import (metadata,
//                   ports, the zod config schema that is the ONLY home of config defaults,
//                   config migrations between versions, docs);
//   run.ts        — `export default defineRunner(definition, async (ctx, config, inputs) => outputs)`,
//                   imported only by the server. Control nodes (condition, join, gate, loop,
//                   sub-workflow, delay, parallel) have no run.ts: the engine gives them meaning.
// Definitions also travel to the browser as plain data (toNodeData), so a node type the
// bundle never imported still gets a palette entry and a working config form.
import { z } from 'zod';
import { parseDuration } from '../format/duration.ts';

export const NODE_CATEGORIES = ['control', 'action', 'ai', 'integration', 'data', 'notification'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

export interface PortSpec {
  /** Referenced from YAML as "<step>.<id>"; identifier characters only. */
  id: string;
  label: string;
  description?: string;
}

/** Upgrades a config written for version N to version N + 1. Pure: data in, data out. */
export type ConfigMigration = (config: Record<string, unknown>) => Record<string, unknown>;

export interface NodeDefinition<Config extends z.ZodObject = z.ZodObject> {
  type: string;
  version: number;
  title: string;
  description: string;
  /** A name from app's icon set (app/components/node-icons.tsx); unknown names fall back to a generic icon. */
  icon: string;
  /** CSS colour for the node's accent, e.g. "#7c3aed". */
  colour: string;
  category: NodeCategory;
  /** 'control': meaning given by the engine; 'action': has a run.ts. */
  kind: 'control' | 'action';
  /** Containers (loop) hold body steps in YAML `steps:`. */
  container?: boolean;
  inputs: PortSpec[];
  /** One unnamed output is `[{ id: 'out' }]`; a condition has true / false, a gate approved / rejected. */
  outputs: PortSpec[];
  config: Config;
  /** migrations[n] upgrades version n + 1 → n + 2 (index 0: from version 1 to 2). */
  migrations?: ConfigMigration[];
  /** Markdown shown in the side panel and docs. */
  docs: string;
  /** A one-line summary for the canvas, as a template over `config`, e.g. "${{ config.method }} ${{ config.url }}". */
  summary?: string;
  /**
   * A circuit breaker per target: `key` names the target of one call from the step's config
   * (an HTTP node: the URL's host; an agent node: its provider); undefined means no breaker for
   * that call. After `failures` failures within `window`, calls to the target fail at once
   * (CIRCUIT_OPEN) for `openFor`, then one probe call decides whether it closes again.
   */
  breaker?: BreakerSpec<z.infer<Config>>;
}

export interface BreakerSpec<C = Record<string, unknown>> {
  key(config: C): string | undefined;
  /** Default 5. */
  failures?: number;
  /** A duration such as "1m" (default). */
  window?: string;
  /** A duration such as "30s" (default). */
  openFor?: string;
}

export type NodeConfig<D extends NodeDefinition> = z.infer<D['config']>;

const portId = /^[A-Za-z_][A-Za-z0-9_]*$/;
const typeName = /^[a-z][a-z0-9_-]{0,62}$/;

export class NodeDefinitionError extends Error {
  override name = 'NodeDefinitionError';
}

/** Checks a definition once, at import, so a broken node folder fails loudly and early. */
export function defineNode<Config extends z.ZodObject>(def: NodeDefinition<Config>): NodeDefinition<Config> {
  const fail = (why: string) => { throw new NodeDefinitionError(`node type "${def.type}": ${why}`); };
  if (!typeName.test(def.type)) fail('type must be lowercase letters, digits, "-" or "_"');
  if (!Number.isInteger(def.version) || def.version < 1) fail('version must be an integer ≥ 1');
  if ((def.migrations?.length ?? 0) !== def.version - 1) fail(`version ${def.version} needs exactly ${def.version - 1} migration(s)`);
  for (const p of [...def.inputs, ...def.outputs]) if (!portId.test(p.id)) fail(`port "${p.id}" must be an identifier`);
  if (def.outputs.length === 0) fail('needs at least one output port');
  if (new Set(def.outputs.map((p) => p.id)).size !== def.outputs.length) fail('output port ids must be unique');
  // Defaults must make an empty config valid or be clearly required: parse {} to surface
  // schemas that throw on construction (e.g. bad regexes) at import time.
  def.config.safeParse({});
  if (def.breaker) {
    if (typeof def.breaker.key !== 'function') fail('breaker.key must be a function of the config');
    if (def.breaker.failures !== undefined && (!Number.isInteger(def.breaker.failures) || def.breaker.failures < 1)) fail('breaker.failures must be an integer ≥ 1');
    for (const f of ['window', 'openFor'] as const) {
      const v = def.breaker[f];
      if (v !== undefined && !parseDuration(v)) fail(`breaker.${f} must be a duration such as 30s or 5m`);
    }
  }
  return Object.freeze(def);
}

/** Upgrades a step's config from `fromVersion` to the definition's current version. */
export function migrateConfig(def: NodeDefinition, config: Record<string, unknown>, fromVersion = 1): Record<string, unknown> {
  let out = config;
  for (let v = fromVersion; v < def.version; v++) out = def.migrations![v - 1]!(out);
  return out;
}

// ── As data ─────────────────────────────────────────────────────────────────────────────

/** A definition as plain JSON: what the browser gets for node types it never imported. */
export type NodeData = Omit<NodeDefinition, 'config' | 'migrations' | 'container' | 'breaker'> & {
  container: boolean;
  /** JSON Schema (draft 2020-12) of the config, with defaults: enough to render a form. */
  configSchema: Record<string, unknown>;
  /** The config an empty form starts with: the schema's defaults. */
  defaults: Record<string, unknown>;
  /** Loaded from a folder outside nodes/ (NODE_DIRS) rather than built in. */
  external?: true;
};

export function configJsonSchema(def: NodeDefinition): Record<string, unknown> {
  // io: 'input' describes what users write (defaults make fields optional).
  const { $schema: _ignored, ...schema } = z.toJSONSchema(def.config, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return schema;
}

/** Each field's default, whether or not the config as a whole has required fields. */
function configDefaults(def: NodeDefinition): Record<string, unknown> {
  const whole = def.config.safeParse({});
  if (whole.success) return whole.data as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(def.config.shape as Record<string, z.ZodType>)) {
    const r = field.safeParse(undefined);
    if (r.success && r.data !== undefined) out[key] = r.data;
  }
  return out;
}

export function toNodeData(def: NodeDefinition): NodeData {
  return {
    type: def.type, version: def.version, title: def.title, description: def.description, icon: def.icon,
    colour: def.colour, category: def.category, kind: def.kind, container: def.container ?? false,
    inputs: def.inputs, outputs: def.outputs, configSchema: configJsonSchema(def),
    defaults: configDefaults(def),
    docs: def.docs, ...(def.summary ? { summary: def.summary } : {}),
  };
}

// ── Registry ────────────────────────────────────────────────────────────────────────────

export interface NodeRegistry {
  get(type: string): NodeDefinition | undefined;
  list(): NodeDefinition[];
}

export function createNodeRegistry(defs: Iterable<NodeDefinition>): NodeRegistry {
  const byType = new Map<string, NodeDefinition>();
  for (const d of defs) {
    if (byType.has(d.type)) throw new NodeDefinitionError(`node type "${d.type}" is defined twice`);
    byType.set(d.type, d);
  }
  const sorted = [...byType.values()].sort((a, b) => a.category.localeCompare(b.category) || a.title.localeCompare(b.title));
  return { get: (type) => byType.get(type), list: () => sorted };
}

// ── Runners (server side) ───────────────────────────────────────────────────────────────

/**
 * What a running node may touch — its only door to the world. A runner uses nothing global
 * (no process.env, no fs outside ctx's directories, no child_process of its own): what it
 * needs comes through here, so the engine can cancel, log, fence and audit it.
 */
export interface NodeContext {
  /** Aborted on cancel, step timeout or run timeout; `signal.reason` says which. */
  signal: AbortSignal;
  runId: string;
  stepId: string;
  /** 1 on the first try; retries and re-runs after a crash count up. */
  attempt: number;
  /** Stable across retries and restarts: run id + step id (+ iteration). */
  idempotencyKey: string;
  /** The run's own working directory, shared by its steps and no other run's. */
  workspace: string;
  /** A note for the step's `log` stream (one line; a newline is added), kept and streamed live. */
  log(line: string): void;
  /**
   * The step's output streams, kept in its log files and streamed live. Chunks may be bytes
   * split anywhere, as a pipe delivers them: `child.stdout.on('data', ctx.stdout)` is enough.
   * Output after the step has returned is ignored.
   */
  stdout(chunk: string | Uint8Array): void;
  stderr(chunk: string | Uint8Array): void;
  /** A secret by name; rejects with a typed error (code SECRET_NOT_FOUND) naming it when unset. */
  secret(name: string): Promise<string>;
  /**
   * Runs a program in its own process group, its output streamed to the step log (and kept,
   * capped, in the result). On abort the whole group — grandchildren included — gets SIGTERM,
   * then SIGKILL after a grace period. Resolves with the exit status; never rejects for a
   * non-zero exit (the caller decides), rejects with the abort reason when aborted.
   */
  exec(command: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Files the step keeps for later (reports, diffs, build output), stored with the run. */
  artifacts: {
    /** Stores `data` as `name` (a relative path) and returns where it lives. */
    put(name: string, data: string | Uint8Array): Promise<{ name: string; path: string; bytes: number }>;
  };
  /** Publishes a named event with a payload on the event bus (for event triggers). */
  emit(event: string, payload: unknown): Promise<void>;
}

export interface ExecOptions {
  /** Defaults to the run's workspace. */
  cwd?: string;
  /** Added to a minimal environment (PATH, HOME, LANG); the server's own environment is not passed. */
  env?: Record<string, string>;
  stdin?: string | Uint8Array;
  /** false: do not copy output into the step log (the runner streams it itself). */
  stream?: boolean;
  /** Per-stream cap of what is kept in ExecResult.stdout/stderr (bytes; default 1 MiB): the last bytes, where a program's error is. */
  maxBuffer?: number;
  /** Standard output as text, as it arrives (whole characters), for runners that read it live — uncapped. */
  onStdout?(text: string): void;
}

export interface ExecResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr went past maxBuffer and was cut. */
  truncated: boolean;
  durationMs: number;
}

export type NodeRun<Config> = (ctx: NodeContext, config: Config, inputs: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface NodeRunner<D extends NodeDefinition = NodeDefinition> {
  definition: D;
  // Method syntax on purpose: it lets runners of different node types share one list
  // (NodeRunner[]), while each runner still sees its own config type.
  run(ctx: NodeContext, config: NodeConfig<D>, inputs: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The same runner built for the deployment's settings (see defineRunnerWithSettings). */
  withSettings?(settings: RunnerSettings): NodeRunner<D>;
}

export function defineRunner<D extends NodeDefinition>(definition: D, run: NodeRun<NodeConfig<D>>): NodeRunner<D> {
  if (definition.kind !== 'action') throw new NodeDefinitionError(`node type "${definition.type}" is a control node: the engine runs it, it has no run.ts`);
  return { definition, run };
}

// ── Deployment settings (server side) ───────────────────────────────────────────────────

/**
 * What the deployment decides, not the step: validated once from the environment by the
 * server (server/config.ts) and handed to the runners that depend on it, so that no runner
 * reads process.env and tests can build runners for any deployment.
 */
export interface RunnerSettings {
  /**
   * Loopback, private and link-local addresses (SSRF): 'allow' — reachable unless a step says
   * allow_private: false; 'refuse' — refused unless a step says allow_private: true; 'never' —
   * refused whatever the step says.
   */
  privateNetwork: 'allow' | 'refuse' | 'never';
}

/** What a runner gets before the server hands it its own: the safe choice everywhere. */
export const DEFAULT_RUNNER_SETTINGS: RunnerSettings = Object.freeze({ privateNetwork: 'refuse' });

/** A runner that depends on deployment settings: built with the defaults, rebuilt by the server. */
export function defineRunnerWithSettings<D extends NodeDefinition>(definition: D, make: (settings: RunnerSettings) => NodeRun<NodeConfig<D>>): NodeRunner<D> {
  const build = (settings: RunnerSettings): NodeRunner<D> => ({ ...defineRunner(definition, make(settings)), withSettings: build });
  return build(DEFAULT_RUNNER_SETTINGS);
}

export function applyRunnerSettings(runners: Iterable<NodeRunner>, settings: RunnerSettings): NodeRunner[] {
  return [...runners].map((r) => r.withSettings?.(settings) ?? r);
}
