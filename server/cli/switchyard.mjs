#!/usr/bin/env node
// The `switchyard` command (package.json "bin"). The CLI is TypeScript like the rest of the
// server; tsx compiles it on the fly, so there is no separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
