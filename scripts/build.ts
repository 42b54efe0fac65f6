// `npm run build`: the production Next.js bundle, stamped with the hash of its sources so
// `npm start` can tell when it is stale.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { root, sourceHash, writeStamp } from './build-stamp.ts';
import { generateDerivedFiles } from './generate.ts';

export function build(): void {
  generateDerivedFiles();
  const hash = sourceHash();
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const started = Date.now();
  const result = spawnSync(process.execPath, [nextBin, 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
  writeStamp(hash);
  console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try { build(); } catch (err) { console.error((err as Error).message); process.exit(1); }
}
