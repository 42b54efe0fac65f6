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
