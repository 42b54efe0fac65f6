// Runs the real entry point (server/index.ts) as a child process, the way `npm start`
// does, on a random free port. Used by process-level tests and the browser tests.
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

// PORT=0 lets the kernel choose, so parallel test files never race for a port; the
// actual address is read from the ready line.
export async function startServerProcess(env: Record<string, string>, args: string[] = [], readyTimeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let url = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not become ready in ${readyTimeoutMs} ms:\n${out}`)), readyTimeoutMs);
    const onData = () => {
      const m = / ready on (http:\/\/\S+)/.exec(out);
      if (m) { url = m[1]!; clearTimeout(timer); resolve(); }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code} before it was ready:\n${out}`)); });
  });
  return {
    child,
    url,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (child.exitCode === null) child.kill(signal);
      const code = await exited(child);
      return { code, ms: Date.now() - started };
    },
  };
}

/**
 * Sets up the owner of a fresh server over HTTP, as the set-up page does, and returns an API
 * token with every scope for the test's calls.
 */
export async function ownerToken(url: string): Promise<string> {
  const post = async (proc: string, body: unknown, cookie?: string) => {
    const res = await fetch(`${url}/api/trpc/${proc}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${proc} failed: ${res.status} ${await res.text()}`);
    return { res, data: ((await res.json()) as { result: { data: Record<string, unknown> } }).result.data };
  };
  const setup = await post('auth.setup', { email: 'owner@switchyard.test', name: 'Test Owner', password: 'test owner password' });
  const cookie = setup.res.headers.get('set-cookie')!.split(';')[0]!;
  return (await post('auth.tokens.create', { name: 'tests', scopes: ['admin'] }, cookie)).data.token as string;
}

/** A WebSocket class (for y-websocket's WebSocketPolyfill) that sends `token` as a bearer. */
export function authedWebSocket(token: string): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { authorization: `Bearer ${token}` } });
    }
  } as unknown as typeof globalThis.WebSocket;
}
