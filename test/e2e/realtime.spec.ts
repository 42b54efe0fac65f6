import { expect, test, signIn } from './fixtures.ts';

test('socket.io connects from the browser and receives the server hello', async ({ page, server }) => {
  await page.goto(`${server.url}/status`);
  await expect(page.getByRole('region', { name: 'Live events' })).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('socket-hello')).not.toHaveText('—');
});

test('two browser contexts on one Yjs room see each other\'s edits', async ({ browser, server }) => {
  const room = `e2e-${Date.now()}`;
  const a = await browser.newContext();
  const b = await browser.newContext();
  await Promise.all([signIn(a, server), signIn(b, server)]);
  try {
    const pageA = await a.newPage();
    const pageB = await b.newPage();
    await Promise.all([pageA.goto(`${server.url}/status?room=${room}`), pageB.goto(`${server.url}/status?room=${room}`)]);
    const padA = pageA.getByTestId('scratchpad');
    const padB = pageB.getByTestId('scratchpad');
    await expect(padA).toBeEnabled();
    await expect(padB).toBeEnabled();
    await expect(pageA.getByTestId('yjs-peers')).toHaveText('1');

    await padA.fill('hello from A');
    await expect(padB).toHaveValue('hello from A');
    await padB.press('End');
    await padB.pressSequentially(' and B');
    await expect(padA).toHaveValue('hello from A and B');
  } finally {
    await a.close();
    await b.close();
  }
});

test('/api/health is ok on SQLite and on PostgreSQL, and the status page says which', async ({ page, server, pgServer, request }) => {
  for (const [srv, provider, label] of [[server, 'sqlite', 'SQLite (embedded)'], [pgServer, 'postgresql', 'PostgreSQL']] as const) {
    const res = await request.get(`${srv.url}/api/health`);
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { provider, reachable: true } });
    // Cookies ignore ports: sign in to this server's own database.
    await signIn(page.context(), srv);
    await page.goto(`${srv.url}/status`);
    await expect(page.getByRole('region', { name: 'Database' })).toContainText(label);
    await expect(page.getByTestId('health-status')).toHaveText('ok');
  }
});
