// `npm start`: build the production bundle when it is missing or stale, then serve it.
import { isBuildCurrent } from './build-stamp.ts';
import { build } from './build.ts';
import { generateDerivedFiles } from './generate.ts';

process.env.NEXT_TELEMETRY_DISABLED = '1';
generateDerivedFiles();
if (!isBuildCurrent()) {
  console.log('start: the production bundle is missing or older than the sources; building it first (about a minute)…');
  try { build(); } catch (err) { console.error((err as Error).message); process.exit(1); }
}
await import('../server/index.ts');
