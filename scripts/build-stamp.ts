// Decides whether the production bundle in .next/ matches the sources: a hash over every
// file that can change what `next build` emits, stored beside the bundle after a build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
const stampFile = path.join(root, '.next', 'switchyard-build-stamp');
const inputs = ['app', 'public', 'engine', 'nodes', 'server', 'next.config.mjs', 'tsconfig.json', 'package-lock.json', 'package.json'];

function* files(p: string): Generator<string> {
  if (!existsSync(p)) return;
  if (statSync(p).isFile()) { yield p; return; }
  for (const e of readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    yield* files(path.join(p, e.name));
  }
}

export function sourceHash(): string {
  const h = createHash('sha256');
  for (const input of inputs) {
    for (const f of files(path.join(root, input))) {
      h.update(path.relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
    }
  }
  return h.digest('hex');
}

export function isBuildCurrent(): boolean {
  return existsSync(path.join(root, '.next', 'BUILD_ID')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === sourceHash();
}

export function writeStamp(hash: string): void {
  writeFileSync(stampFile, hash);
}
