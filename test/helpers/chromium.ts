// Where the browser tests find Chromium. Playwright's own download cannot run offline, so
// we use the system's (Debian's `chromium` package) through executablePath.
import { existsSync } from 'node:fs';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | undefined {
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** Flags a headless, offline, root-run machine needs. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const howToGetChromium =
  'No Chromium found for the browser tests. Install one (Debian/Ubuntu: `sudo apt-get install chromium`) or point CHROMIUM_PATH at a Chromium/Chrome executable.';
