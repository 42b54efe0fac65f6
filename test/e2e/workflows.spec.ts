import path from 'node:path';
import { createWorkflowViaApi, deleteAllWorkflows, expect, setTheme, test } from './fixtures.ts';
import { repoRoot } from '../helpers/server-process.ts';

test.describe.configure({ mode: 'serial' });

test('the home page shows an empty workflows list with a "New workflow" action', async ({ page, server }) => {
  await deleteAllWorkflows(server);
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Workflows', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No workflows yet' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New workflow' }).first()).toBeVisible();
});

test('creating a workflow from the dialog opens its empty canvas', async ({ page, server }) => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'New workflow' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New workflow' });
  await expect(dialog.getByRole('button', { name: 'Create workflow' })).toBeDisabled();
  await dialog.getByLabel('Name').fill('Plan → implement → review');
  await dialog.getByRole('button', { name: 'Create workflow' }).click();
  await expect(page).toHaveURL(/\/workflows\/plan-implement-review$/);
  await expect(page.getByTestId('workflow-name')).toHaveText('Plan → implement → review');
  await expect(page.locator('.react-flow')).toBeVisible();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'An empty canvas' })).toBeVisible();
});

test('a workflow created through tRPC opens at /workflows/<id> and appears in the list', async ({ page, server }) => {
  const id = await createWorkflowViaApi(server, 'Nightly dependency bump');
  await page.goto(`${server.url}/workflows/${id}`);
  await expect(page.getByTestId('workflow-name')).toHaveText('Nightly dependency bump');
  await expect(page.locator('.react-flow__renderer')).toBeVisible();
  await page.getByRole('link', { name: 'Workflows' }).first().click();
  const list = page.getByRole('list', { name: 'Workflows' });
  await expect(list.getByText('Nightly dependency bump')).toBeVisible();
  await page.getByLabel('Search workflows').fill('nightly');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await page.getByLabel('Search workflows').fill('zzz-no-match');
  await expect(page.getByRole('heading', { name: /No workflows match/ })).toBeVisible();
});

test('an unknown workflow id shows a not-found state with a way back', async ({ page, server }) => {
  await page.goto(`${server.url}/workflows/does-not-exist`);
  await expect(page.getByRole('heading', { name: 'Workflow not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to workflows' })).toBeVisible();
});

test('screenshots of the running app for the README (light and dark)', async ({ page, server }) => {
  for (const name of ['Deploy on plan completion', 'Triage new issues with an AI agent']) await createWorkflowViaApi(server, name);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(server.url);
  await expect(page.getByRole('list', { name: 'Workflows' }).getByText('Triage new issues with an AI agent')).toBeVisible();
  await setTheme(page, 'light');
  await page.screenshot({ path: path.join(repoRoot, 'docs/screenshot.png') });
  await page.getByRole('button', { name: /Switch to dark theme/ }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: path.join(repoRoot, 'docs/screenshot-dark.png') });
  await page.reload();
  await expect(page.locator('html'), 'the theme choice survives a reload').toHaveAttribute('data-theme', 'dark');
  await setTheme(page, 'light');
});

test('the theme follows the OS setting until the user picks one', async ({ page, server }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(server.url);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  await expect(page.locator('html'), 'a stored choice wins over the OS').toHaveAttribute('data-theme', 'dark');
  await page.evaluate(() => localStorage.removeItem('switchyard-theme'));
});
