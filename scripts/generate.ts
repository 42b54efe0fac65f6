// Regenerates what is derived from the node folders (the registry and the published JSON
// Schema), so that adding a node type really is just adding a folder: `npm start`,
// `npm run build` and `npm run dev` call this first. Separate processes, because the schema
// script imports the registry module the first one writes.
import { spawnSync } from 'node:child_process';
import { root } from './build-stamp.ts';

export function generateDerivedFiles(): void {
  for (const script of ['scripts/gen-node-registry.ts', 'scripts/gen-json-schema.ts']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status ?? r.signal})`);
  }
}
if (import.meta.url === `file://${process.argv[1]}`) generateDerivedFiles();
