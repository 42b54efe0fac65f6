import path from 'node:path';
import { repoRoot } from '../helpers/server-process.ts';
import { expect, test } from './fixtures.ts';

test('first start asks for the owner account; afterwards sign-out and sign-in guard the app', async ({ browser, freshServer }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(freshServer.url);
    await expect(page.getByRole('heading', { name: 'Set up Switchyard' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Workflows' })).toHaveCount(0); // nothing of the app yet
    await page.setViewportSize({ width: 1280, height: 760 });
    await page.screenshot({ path: path.join(repoRoot, 'docs/screenshot-setup.png') });

    await page.getByLabel('Your name').fill('Olive Owner');
    await page.getByLabel('Email').fill('olive@example.com');
    await page.getByLabel('Password').fill('too short');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await expect(page.getByText('Password must be at least 12 characters')).toBeVisible();
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await expect(page.getByRole('heading', { name: 'Workflows', level: 1 })).toBeVisible();
    await expect(page.getByText('Olive Owner · owner')).toBeVisible();
    const cookie = (await context.cookies()).find((c) => c.name === 'sy_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await page.goto(`${freshServer.url}/nodes`);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

    await page.getByLabel('Email').fill('olive@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Wrong' })).toHaveText('Wrong email or password.');
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Node types', level: 1 })).toBeVisible();
  } finally {
    await context.close();
  }
});

test('an owner invites an editor and a viewer; the viewer cannot change a workflow, in the UI or through the API', async ({ page, browser, server }) => {
  await page.goto(server.url);
  await page.getByRole('link', { name: 'People' }).click();
  await expect(page.getByRole('heading', { name: 'People', level: 1 })).toBeVisible();

  const join = async (role: 'editor' | 'viewer', email: string, name: string) => {
    await page.getByLabel('Role', { exact: true }).selectOption(role);
    await page.getByRole('button', { name: 'Create invitation link' }).click();
    // The previous link stays on screen until the new one arrives: wait for this role's.
    await expect(page.getByText(`you invite as ${role}.`)).toBeVisible();
    const link = await page.getByLabel('Invitation link').textContent();
    const context = await browser.newContext();
    const guest = await context.newPage();
    await guest.goto(link!);
    await expect(guest.getByRole('heading', { name: 'Join Switchyard' })).toBeVisible();
    await guest.getByLabel('Your name').fill(name);
    await guest.getByLabel('Email').fill(email);
    await guest.getByLabel('Password').fill(`${role} password long enough`);
    await guest.getByRole('button', { name: 'Create account' }).click();
    await expect(guest.getByRole('heading', { name: 'Workflows', level: 1 })).toBeVisible();
    await expect(guest.getByText(`${name} · ${role}`)).toBeVisible();
    return { context, guest };
  };

  const editor = await join('editor', 'ed@example.com', 'Ed Editor');
  await expect(editor.guest.getByRole('button', { name: 'New workflow' }).first()).toBeEnabled();
  await expect(editor.guest.getByRole('link', { name: 'People' })).toHaveCount(0); // owners only
  await editor.context.close();

  const viewer = await join('viewer', 'vi@example.com', 'Vi Viewer');
  await expect(viewer.guest.getByRole('button', { name: 'New workflow' }).first()).toBeDisabled();
  const refused = await viewer.guest.evaluate(async () => {
    const res = await fetch('/api/trpc/workflows.create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Sneaky' }) });
    return { status: res.status, body: await res.text() };
  });
  expect(refused.status).toBe(403);
  expect(refused.body).toContain('This needs the editor role; you are viewer.');
  await viewer.context.close();

  await page.reload();
  const people = page.getByRole('list', { name: 'People' });
  await expect(people).toContainText('ed@example.com');
  await expect(people).toContainText('vi@example.com');
  await expect(page.getByLabel('Role of vi@example.com')).toHaveValue('viewer');
  await page.screenshot({ path: test.info().outputPath('people.png') });
});

test('settings: an API token is shown once and works until revoked; secrets are added, rotated and deleted without showing values', async ({ page, server }) => {
  await page.goto(`${server.url}/settings`);
  await page.getByLabel('Token name').fill('CI pipeline');
  await page.getByLabel('Scope').selectOption('read');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByLabel('New token').textContent())!;
  expect(token).toMatch(/^sy_/);
  const who = async () => (await fetch(`${server.url}/api/trpc/auth.status`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json()) as { result: { data: { user: { email: string } | null } } }).result.data.user;
  expect(await who()).toMatchObject({ email: 'owner@switchyard.test' });
  const row = page.getByRole('list', { name: 'API tokens' }).getByRole('listitem').filter({ hasText: 'CI pipeline' });
  await expect(row).toContainText('read');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toHaveCount(0);
  expect(await who()).toBeNull();

  await page.getByLabel('Secret name').fill('DEPLOY_KEY');
  await page.getByLabel('Secret value').fill('s3cret-from-the-browser');
  await page.getByRole('button', { name: 'Add secret' }).click();
  const secrets = page.getByRole('list', { name: 'Secrets' });
  await expect(secrets).toContainText('DEPLOY_KEY');
  await expect(secrets).toContainText('version 1');
  await page.getByLabel('Secret value').fill('rotated-value-123');
  await page.getByRole('button', { name: 'Rotate' }).click();
  await expect(secrets).toContainText('version 2');
  await expect(page.locator('body')).not.toContainText('s3cret-from-the-browser');
  await expect(page.locator('body')).not.toContainText('rotated-value-123');
  const deployKey = secrets.getByRole('listitem').filter({ hasText: 'DEPLOY_KEY' });
  await deployKey.getByRole('button', { name: 'Delete' }).click();
  await expect(deployKey).toHaveCount(0); // other tests' secrets may remain on this shared server
});
