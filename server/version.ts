import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The app version from package.json, read once. */
export const version: string = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../package.json'), 'utf8'),
).version;
