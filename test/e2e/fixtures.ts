// Browser-test fixtures: each worker starts the real server process (production build,
// UI on) with its own data directory — SQLite by default, or a fresh PostgreSQL database.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshPostgres } from '../helpers/databases.ts';
import { repoRoot, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

/** A server process whose owner is set up: its session cookie and an API token. */
export type E2eServer = ServerProcess & { session: string; token: string };

export const OWNER = { email: 'owner@switchyard.test', name: 'Olive Owner', password: 'test owner password' };

async function post(url: string, proc: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/trpc/${proc}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${proc} failed: ${res.status} ${await res.text()}`);
  return { res, data: ((await res.json()) as { result: { data: Record<string, unknown> } }).result.data };
}

async function start(env: Record<string, string> = {}, setUp = true): Promise<{ server: E2eServer; cleanup: () => void }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-'));
  // The sample external node types are loaded too, as a user's NODE_DIRS would be.
  const proc = await startServerProcess({ DATA_DIR: dataDir, NODE_DIRS: path.join(repoRoot, 'examples/nodes'), ...env });
  const owner = setUp ? await setUpOwner(proc.url) : { session: '', token: '' };
  return { server: Object.assign(proc, owner), cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** The owner set-up of a fresh server, over HTTP: its session cookie's value and an API token. */
export async function setUpOwner(url: string): Promise<{ session: string; token: string }> {
  const setup = await post(url, 'auth.setup', OWNER);
  const session = /sy_session=([^;]+)/.exec(setup.res.headers.get('set-cookie') ?? '')![1]!;
  const token = (await post(url, 'auth.tokens.create', { name: 'e2e', scopes: ['admin'] }, { cookie: `sy_session=${session}` })).data.token as string;
  return { session, token };
}

/** Signs a browser context in with a session (cookies ignore ports: one server at a time). */
export function signIn(context: BrowserContext, server: { url: string; session: string }): Promise<void> {
  return context.addCookies([{ name: 'sy_session', value: server.session, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
}

/** Calls a tRPC mutation as the owner. */
export function apiPost(server: E2eServer, proc: string, body: unknown) {
  return post(server.url, proc, body, { authorization: `Bearer ${server.token}` });
}

export const test = base.extend<{ noOutsideRequests: void; freshServer: E2eServer }, { server: E2eServer; pgServer: E2eServer }>({
  // The browser is signed in as the owner, as a user who signed in once would be.
  page: async ({ page, server }, use) => {
    await signIn(page.context(), server);
    await use(page);
  },

  // A server nobody has set up yet (first start), for one test.
  freshServer: async ({}, use) => {
    const { server, cleanup } = await start({}, false);
    await use(server);
    await server.stop();
    cleanup();
  },

  server: [async ({}, use) => {
    const { server, cleanup } = await start();
    await use(server);
    const { code } = await server.stop();
    cleanup();
    expect(code, 'server exit code after SIGTERM').toBe(0);
  }, { scope: 'worker' }],

  pgServer: [async ({}, use) => {
    const db = await freshPostgres();
    const { server, cleanup } = await start({ DATABASE_URL: db.url });
    await use(server);
    await server.stop();
    cleanup();
    await db.drop();
  }, { scope: 'worker' }],

  // Every page must work with nothing but our own server: no CDN, fonts or telemetry.
  noOutsideRequests: [async ({ page }, use) => {
    const outside: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) outside.push(r.url());
    });
    await use();
    expect(outside, 'requests that left the machine').toEqual([]);
  }, { auto: true }],
});

export { expect };

export async function createWorkflowViaApi(server: E2eServer, name: string): Promise<string> {
  return (await apiPost(server, 'workflows.create', { name })).data.id as string;
}

export async function deleteAllWorkflows(server: E2eServer): Promise<void> {
  const res = await fetch(`${server.url}/api/trpc/workflows.list`, { headers: { authorization: `Bearer ${server.token}` } });
  const list = ((await res.json()) as { result: { data: { id: string }[] } }).result.data;
  for (const { id } of list) await apiPost(server, 'workflows.delete', { id });
}

export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => { document.documentElement.dataset.theme = t; localStorage.setItem('switchyard-theme', t); }, theme);
}
