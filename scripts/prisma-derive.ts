// Derives prisma/postgres/schema.prisma from prisma/schema.prisma (the source of truth).
// Only the datasource provider and the generator output differ; models are copied verbatim.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const sqliteSchemaPath = path.join(root, 'prisma/schema.prisma');
export const postgresSchemaPath = path.join(root, 'prisma/postgres/schema.prisma');

const HEADER =
  '// GENERATED from prisma/schema.prisma by scripts/prisma-derive.ts — do not edit.\n' +
  '// Edit prisma/schema.prisma and run `npm run db:generate`.\n\n';

export function derivePostgresSchema(sqliteSchema: string): string {
  const swapped = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output(\s*)=\s*"\.\/generated\/sqlite"/, 'output$1= "../generated/postgres"');
  if (swapped === sqliteSchema) throw new Error('prisma/schema.prisma: expected a sqlite datasource and a ./generated/sqlite output');
  return HEADER + swapped;
}

export function writeDerivedSchema(): boolean {
  const next = derivePostgresSchema(readFileSync(sqliteSchemaPath, 'utf8'));
  let current = '';
  try { current = readFileSync(postgresSchemaPath, 'utf8'); } catch { /* first run */ }
  if (current === next) return false;
  mkdirSync(path.dirname(postgresSchemaPath), { recursive: true });
  writeFileSync(postgresSchemaPath, next);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(writeDerivedSchema() ? 'wrote prisma/postgres/schema.prisma' : 'prisma/postgres/schema.prisma is up to date');
}
