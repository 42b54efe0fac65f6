// `npm run dev` serves the same server with Next's hot reload. Its websocket (/_next/hmr)
// must reach Next through our upgrade router while socket.io and Yjs keep working.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess } from '../helpers/server-process.ts';
import { expect, setUpOwner, signIn, test } from './fixtures.ts';

test('dev mode: the hot-reload socket, socket.io and Yjs all connect on one port', async ({ page }) => {
  test.setTimeout(180_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-dev-'));
  const server = await startServerProcess({ DATA_DIR: dataDir }, ['--dev'], 120_000);
  try {
    const hmrFrame = new Promise<string>((resolve) => {
      page.on('websocket', (ws) => {
        if (new URL(ws.url()).pathname.startsWith('/_next/')) ws.on('framereceived', (f) => resolve(String(f.payload)));
      });
    });
    await signIn(page.context(), { url: server.url, ...(await setUpOwner(server.url)) });
    await page.goto(`${server.url}/status`, { timeout: 120_000 });
    expect(await hmrFrame).toBeTruthy();
    await expect(page.getByRole('region', { name: 'Live events' })).toHaveAttribute('data-state', 'ok', { timeout: 60_000 });
    await expect(page.getByRole('region', { name: 'Collaboration' })).toHaveAttribute('data-state', 'ok', { timeout: 60_000 });
  } finally {
    const { code } = await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    expect(code, server.output()).toBe(0);
  }
});
