import { apiPost, expect, setTheme, test } from './fixtures.ts';

test('the audit log lists changes made through the API, newest first, and filters them', async ({ page, server }) => {
  const post = (path: string, body: unknown) => apiPost(server, path, body);
  await post('workflows.create', { name: 'Audit me' });
  await post('secrets.create', { name: 'E2E_TOKEN', value: 'never-shown-123' });

  await page.goto(server.url);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Audit events' });
  await expect(table.getByRole('row').nth(1)).toContainText('secrets.create');
  await expect(table).toContainText('value: ‹hidden›');
  await expect(table).not.toContainText('never-shown-123');

  await page.getByLabel('Filter by action').selectOption('workflows.create');
  await expect(table).not.toContainText('secrets.create');
  await expect(table).toContainText('Audit me');
  await table.getByRole('button', { name: 'audit-me' }).click(); // the target filters to it
  await expect(page.getByLabel('Filter by target')).toHaveValue('audit-me');
  await expect(table.getByRole('row')).toHaveCount(2); // header + the one create
  await page.getByLabel('Filter by target').fill('no-such-target');
  await expect(page.getByRole('heading', { name: 'Nothing matches these filters' })).toBeVisible();
  await page.getByLabel('Filter by target').fill('');
  await page.getByLabel('Filter by action').selectOption('');
  await setTheme(page, 'dark');
  await page.screenshot({ path: test.info().outputPath('audit-dark.png') });
});
