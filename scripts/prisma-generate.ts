// Generates both Prisma clients (SQLite and PostgreSQL) without network access.
//
// `prisma generate` with the Rust-free "prisma-client" generator needs no schema
// engine, but the CLI still insists on locating one and would download it. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at an existing executable satisfies that check; the
// binary is never run by `generate`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { postgresSchemaPath, root, sqliteSchemaPath, writeDerivedSchema } from './prisma-derive.ts';

writeDerivedSchema();
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/true',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
};
for (const schema of [sqliteSchemaPath, postgresSchemaPath]) {
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schema], { cwd: root, env, stdio: 'inherit' });
}
console.log(`generated Prisma clients under ${path.relative(root, path.join(root, 'prisma/generated'))}/`);
