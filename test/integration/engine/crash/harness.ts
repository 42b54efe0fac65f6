// The crash test's moving parts: the 50-step workflow, the worker child process (started,
// SIGKILLed, restarted on the same database), the ledger file, and a seeded random source so a
// failing sequence of kill points can be replayed (CRASH_SEED).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { createTRPCClient } from '@trpc/client';
import type { AppRouter } from '../../../../server/trpc/router.ts';
import { ownerToken, repoRoot } from '../../../helpers/server-process.ts';
import { apiClient } from '../../../helpers/server.ts';

const ownerTokens = new Map<string, string>();

export type Api = ReturnType<typeof createTRPCClient<AppRouter>>;

// ── The workflow ──────────────────────────────────────────────────────────────────────────
// root → four parallel chains a, b, c, d of 12 steps each → final (needs all four tails).
// Two cross-joins: b07 also needs a06, d07 also needs c06. 1 + 48 + 1 = 50 steps, all `ledger`.
// Every step passes the tokens of the steps it needs into its config (`seen`), so the ledger
// shows which upstream output each attempt was given.

export const CHAINS = ['a', 'b', 'c', 'd'] as const;
export const CHAIN_LENGTH = 12;
const id = (chain: string, i: number) => `${chain}${String(i).padStart(2, '0')}`;

/** Step id → the steps it needs, in the order its `seen` lists their tokens. */
export function workflowNeeds(): Map<string, string[]> {
  const needs = new Map<string, string[]>([['root', []]]);
  for (const c of CHAINS) {
    for (let i = 1; i <= CHAIN_LENGTH; i++) needs.set(id(c, i), i === 1 ? ['root'] : [id(c, i - 1)]);
  }
  needs.set('b07', ['a06', 'b06']);
  needs.set('d07', ['c06', 'd06']);
  needs.set('final', CHAINS.map((c) => id(c, CHAIN_LENGTH)));
  return needs;
}

export function workflowYaml(workflowId: string, stepMs: number): string {
  const steps = [...workflowNeeds()].map(([step, needs]) => {
    const seen = needs.map((n) => `\${{ steps.${n}.outputs.token }}`).join(' ');
    const withBlock = `{ ms: ${stepMs}${seen ? `, seen: "${seen}"` : ''} }`;
    return `  - { id: ${step}, type: ledger${needs.length ? `, needs: [${needs.join(', ')}]` : ''}, with: ${withBlock} }`;
  });
  return `apiVersion: switchyard/v1\nid: ${workflowId}\nname: Crash test\nsteps:\n${steps.join('\n')}\n`;
}

// ── Randomness ────────────────────────────────────────────────────────────────────────────

/** mulberry32: small, seeded, good enough to pick kill points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ── The ledger file ───────────────────────────────────────────────────────────────────────

export function ledgerText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

export function ledgerLineCount(file: string): number {
  const text = ledgerText(file);
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

// ── The worker process ────────────────────────────────────────────────────────────────────

export interface WorkerEnv {
  DATA_DIR: string;
  DATABASE_URL: string;
  LEDGER_FILE: string;
  LEASE_MS: string;
}

export interface Worker {
  child: ChildProcess;
  url: string;
  api: Api;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGKILL, resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL if it takes longer than 5 s. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

function gone(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGKILLs every worker still alive; for afterEach/afterAll, so a failing test leaves none behind. */
export async function killAllWorkers(): Promise<void> {
  const children = [...live];
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map(gone));
}

export async function startWorker(env: WorkerEnv, readyTimeoutMs = 30_000): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'worker.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', CRASH_WORKER_EXIT_WITH_PARENT: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => { clearTimeout(timer); child.kill('SIGKILL'); reject(new Error(`crash worker ${why}:\n${out}`)); };
    const timer = setTimeout(() => fail(`was not ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
    const onData = () => {
      const m = /crash-worker ready on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); child.stdout!.off('data', onData); child.off('exit', onExit); resolve(m[1]!); }
    };
    const onExit = (code: number | null, signal: string | null) => fail(`exited (${code ?? signal}) before it was ready`);
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  // The owner is set up on the first start; restarts on the same database reuse its token.
  let token = ownerTokens.get(env.DATABASE_URL);
  if (!token) ownerTokens.set(env.DATABASE_URL, token = await ownerToken(url));
  return {
    child, url,
    api: apiClient(url, token),
    output: () => out,
    async kill() {
      child.kill('SIGKILL');
      await gone(child);
    },
    async stop() {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone(child);
      clearTimeout(force);
    },
  };
}
