// Writes public/schema/workflow.v1.json, the published JSON Schema of workflow files (Next
// serves public/ at /schema/workflow.v1.json; the file is committed so that editors can also
// point at the repository). Run after gen-node-registry: it reads the generated registry.
//
//   tsx scripts/gen-json-schema.ts          write the file when it changed
//   tsx scripts/gen-json-schema.ts --check  exit 1 when it is stale
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workflowJsonSchemaText } from '../engine/format/json-schema.ts';
import { nodeRegistry } from '../nodes/registry.generated.ts';

export const root = path.resolve(import.meta.dirname, '..');
export const workflowSchemaPath = path.join(root, 'public/schema/workflow.v1.json');

/** The file's expected text. Writes nothing. */
export function expectedWorkflowSchema(): string {
  return workflowJsonSchemaText(nodeRegistry);
}

function main(check: boolean): number {
  const text = expectedWorkflowSchema();
  const current = existsSync(workflowSchemaPath) ? readFileSync(workflowSchemaPath, 'utf8') : undefined;
  const name = path.relative(root, workflowSchemaPath);
  if (current === text) return 0;
  if (check) { console.error(`${name} is stale: run npm run schema:generate`); return 1; }
  mkdirSync(path.dirname(workflowSchemaPath), { recursive: true });
  writeFileSync(workflowSchemaPath, text);
  console.log(`wrote ${name}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.includes('--check'));
