import path from 'node:path';
import { repoRoot } from '../helpers/server-process.ts';
import { expect, setTheme, test } from './fixtures.ts';

test('the node types page lists built-in and external types, and a type\'s form writes checked YAML', async ({ page, server }) => {
  await page.goto(server.url);
  await page.getByRole('link', { name: 'Node types' }).click();
  await expect(page.getByRole('heading', { name: 'Node types', level: 1 })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Control flow' }).getByRole('button', { name: /Approval gate/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Pick a node type' })).toBeVisible();

  // The sample from examples/nodes (NODE_DIRS), in a production build, without touching nodes/.
  await page.getByLabel('Search node types').fill('bump');
  const card = page.getByRole('button', { name: /Bump version.*external/ });
  await expect(card).toBeVisible();
  await expect(page.getByRole('button', { name: /Approval gate/ })).toHaveCount(0);
  await card.click();
  await expect(page).toHaveURL(/\/nodes\?type=semver-bump$/);
  const detail = page.getByRole('complementary', { name: 'Node type details' });
  await expect(detail.getByRole('heading', { name: 'Bump version' })).toBeVisible();
  const state = detail.getByRole('status');
  await expect(state).toHaveText('1 problem'); // `current` is required
  await detail.getByLabel(/^Current/).fill('1.4.2');
  await detail.getByLabel(/^Bump/).selectOption('minor');
  await expect(state).toHaveText('Valid');
  await expect(detail.getByLabel('Step YAML')).toHaveText(/type: semver-bump\s+with:\s+current: 1\.4\.2\s+bump: minor/);
  await page.getByLabel('Search node types').fill('');
  await setTheme(page, 'light');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: path.join(repoRoot, 'docs/screenshot-nodes.png') });

  // A built-in with lists and key–value fields; the server's check names the bad field.
  await page.goto(`${server.url}/nodes?type=http`);
  await setTheme(page, 'dark');
  await detail.getByLabel(/^URL/).fill('https://api.example.com/plans');
  await detail.getByRole('group').first().getByRole('button', { name: 'Add entry' }).click();
  await detail.getByLabel('Name 1', { exact: true }).fill('Accept');
  await detail.getByLabel('Value 1', { exact: true }).fill('application/json');
  await detail.getByRole('button', { name: 'Add item' }).click();
  await detail.getByLabel('Item 1', { exact: true }).fill('201');
  await detail.getByLabel(/^Timeout/).fill('soon');
  await expect(detail.getByText(/must be a duration such as "30s"/)).toBeVisible();
  await expect(state).toHaveText('1 problem');
  await detail.getByLabel(/^Timeout/).fill('30s');
  await expect(state).toHaveText('Valid');
  await expect(detail.getByLabel('Step YAML')).toHaveText(/headers:\s+Accept: application\/json\s+expect_status:\s+- 201\s+timeout: 30s/);
});
