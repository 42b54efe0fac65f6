// Configuration: every environment variable the server reads is declared and validated
// here, once. A bad value stops start-up with a message naming the variable.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SECRET_ENV_PREFIX } from './engine/node-context/secrets.ts';
import type { RunnerSettings } from '../engine/nodes/define-node.ts';

const port = z.coerce.number().int().min(0).max(65535);

export const envSchema = z.object({
  PORT: port.default(3000).describe('HTTP port for the app, API and websockets'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface to bind; 127.0.0.1 keeps the app private until accounts exist'),
  DATA_DIR: z.string().min(1).default('./data').describe('Where the SQLite database, secret key and run workspaces live'),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)')
    .optional()
    .describe('Defaults to file:<DATA_DIR>/switchyard.db'),
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL').describe('NORMAL survives a killed process; FULL also survives power loss'),
  SECRET_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes); generate one with `openssl rand -hex 32`')
    .optional()
    .describe('Key for sessions and encrypted secrets; generated into DATA_DIR/secret.key when unset'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  MAX_ACTIVE_RUNS: z.coerce.number().int().min(1).max(10_000).default(50).describe('Runs one process executes at once; more wait queued'),
  RUN_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(30_000).describe('How long a process holds a run without renewing; a process that dies is taken over after this'),
  STEP_LOG_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(10 * 1024 * 1024).describe('Cap in bytes per stream (stdout, stderr, log) of one step instance, all attempts together'),
  MAX_PARALLEL_STEPS_PER_RUN: z.coerce.number().int().min(1).max(1000).default(16).describe('Action steps of one run running at once'),
  HTTP_ALLOW_PRIVATE: z.enum(['true', 'false', 'never']).optional()
    .describe('Whether http and webhook steps may reach loopback, private and link-local addresses: true, false (a step may still opt in) or never; defaults to true in development and test, false otherwise'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional().describe('The address users open, when it is not this machine (e.g. behind a proxy); requests naming another host are refused'),
  ALLOWED_ORIGINS: z.string().optional().describe('Other origins allowed to call the API from a browser, comma-separated (e.g. https://portal.example.com)'),
  NODE_DIRS: z.string().optional().describe(`Folders of node types outside nodes/, separated by "${path.delimiter}"; loaded at start-up (docs/nodes.md)`),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
});

export type Env = z.infer<typeof envSchema>;

export type DatabaseConfig =
  | { provider: 'sqlite'; file: string; synchronous: 'NORMAL' | 'FULL' }
  | { provider: 'postgresql'; url: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  secretKey: Buffer;
  logLevel: Env['LOG_LEVEL'];
  dev: boolean;
  engine: { maxActiveRuns: number; maxParallelStepsPerRun: number; stepLogMaxBytes: number; leaseMs: number };
  /** Where requests may come from (server/http/origin.ts). */
  origins: { publicUrl?: string; allowed: string[] };
  /** Folders of node types outside nodes/ (NODE_DIRS), absolute. */
  nodeDirs: string[];
  /** The SWITCHYARD_SECRET_* variables, for the environment secret store (server/engine/node-context/secrets.ts). */
  secretEnv: Record<string, string>;
  runners: RunnerSettings;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type EnvSource = Record<string, string | undefined>;

export function parseEnv(env: EnvSource): Env {
  const result = envSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const name = String(i.path[0] ?? '?');
    return `  ${name}=${JSON.stringify(env[name] ?? '')}: ${i.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee "Configuration" in README.md.`);
}

export function databaseConfig(env: Env, dataDir: string): DatabaseConfig {
  const url = env.DATABASE_URL ?? `file:${path.join(dataDir, 'switchyard.db')}`;
  if (url.startsWith('file:')) {
    return { provider: 'sqlite', file: path.resolve(url.slice('file:'.length)), synchronous: env.SQLITE_SYNCHRONOUS };
  }
  return { provider: 'postgresql', url };
}

/** The key stays stable across restarts: generated once, stored owner-readable only. */
export function loadOrCreateSecretKey(dataDir: string, given?: string): Buffer {
  if (given) return Buffer.from(given, 'hex');
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new ConfigError(`${file} is corrupt: expected 64 hex characters. Restore it from a backup; deleting it invalidates sessions and stored secrets.`);
    return Buffer.from(hex, 'hex');
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

// Secrets are named by the workflows that use them, so they cannot be declared in envSchema.
function secretVariables(env: EnvSource): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith(SECRET_ENV_PREFIX) && e[1] !== undefined));
}

const PRIVATE_NETWORK = { true: 'allow', false: 'refuse', never: 'never' } as const;

export function loadConfig(env: EnvSource = process.env, opts: { dev?: boolean } = {}): Config {
  const parsed = parseEnv(env);
  const dataDir = path.resolve(parsed.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const dev = opts.dev ?? parsed.NODE_ENV === 'development';
  // Developers call services on their own machine; a shared server must not let whoever edits
  // a workflow reach its metadata endpoint or database, so production refuses unless told.
  const allowPrivate = parsed.HTTP_ALLOW_PRIVATE ?? (dev || parsed.NODE_ENV === 'test' ? 'true' : 'false');
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir,
    database: databaseConfig(parsed, dataDir),
    secretKey: loadOrCreateSecretKey(dataDir, parsed.SECRET_KEY),
    logLevel: parsed.LOG_LEVEL,
    engine: { maxActiveRuns: parsed.MAX_ACTIVE_RUNS, maxParallelStepsPerRun: parsed.MAX_PARALLEL_STEPS_PER_RUN, stepLogMaxBytes: parsed.STEP_LOG_MAX_BYTES, leaseMs: parsed.RUN_LEASE_MS },
    origins: { publicUrl: parsed.PUBLIC_URL, allowed: (parsed.ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean) },
    nodeDirs: (parsed.NODE_DIRS ?? '').split(path.delimiter).filter(Boolean).map((d) => path.resolve(d)),
    secretEnv: secretVariables(env),
    runners: { privateNetwork: PRIVATE_NETWORK[allowPrivate] },
    dev,
  };
}
