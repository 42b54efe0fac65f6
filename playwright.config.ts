import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium, howToGetChromium } from './test/helpers/chromium.ts';

const executablePath = findChromium();
if (!executablePath) throw new Error(howToGetChromium);

// Each worker starts its own real server process (see test/e2e/fixtures.ts); tests never
// share a database with another worker.
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath, args: chromiumArgs },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
