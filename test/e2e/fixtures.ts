// Browser-test fixtures: each worker starts the real server process (production build,
// UI on) with its own data directory — SQLite by default, or a fresh PostgreSQL database.
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshPostgres } from '../helpers/databases.ts';
import { repoRoot, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

async function start(env: Record<string, string> = {}): Promise<{ server: ServerProcess; cleanup: () => void }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-'));
  // The sample external node types are loaded too, as a user's NODE_DIRS would be.
  const server = await startServerProcess({ DATA_DIR: dataDir, NODE_DIRS: path.join(repoRoot, 'examples/nodes'), ...env });
  return { server, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

export const test = base.extend<{ noOutsideRequests: void }, { server: ServerProcess; pgServer: ServerProcess }>({
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

export async function createWorkflowViaApi(baseUrl: string, name: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/trpc/workflows.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!res.ok) throw new Error(`workflow.create failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { result: { data: { id: string } } }).result.data.id;
}

export async function deleteAllWorkflows(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/trpc/workflows.list`);
  const list = ((await res.json()) as { result: { data: { id: string }[] } }).result.data;
  for (const { id } of list) {
    await fetch(`${baseUrl}/api/trpc/workflows.delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
  }
}

export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => { document.documentElement.dataset.theme = t; localStorage.setItem('switchyard-theme', t); }, theme);
}
