// prisma/schema.prisma is the source of truth; the PostgreSQL schema is derived from it.
// This fails when someone edits the derived file or forgets `npm run db:generate`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { derivePostgresSchema, postgresSchemaPath, sqliteSchemaPath } from '../../scripts/prisma-derive.ts';

describe('Prisma schemas', () => {
  it('prisma/postgres/schema.prisma is exactly what prisma/schema.prisma derives', () => {
    const expected = derivePostgresSchema(readFileSync(sqliteSchemaPath, 'utf8'));
    expect(readFileSync(postgresSchemaPath, 'utf8'), 'run `npm run db:generate` and commit the result').toBe(expected);
  });

  it('derivation changes only the provider and the client output', () => {
    const sqlite = readFileSync(sqliteSchemaPath, 'utf8');
    const pg = derivePostgresSchema(sqlite);
    expect(pg).toContain('provider = "postgresql"');
    const models = (s: string) => s.slice(s.search(/^model /m));
    expect(models(pg)).toBe(models(sqlite));
  });
});
