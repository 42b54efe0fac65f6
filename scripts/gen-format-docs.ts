// Fills the generated sections of docs/format.md (node types, diagnostic codes) from the
// registry and the code tables, so the reference cannot drift from the code. With --check it
// only reports staleness (test/unit/docs.test.ts does the same).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configJsonSchema } from '../engine/nodes/define-node.ts';
import { listCodes } from '../engine/validate/index.ts';
import { YAML_CODES } from '../engine/yaml/codes.ts';
import { nodeRegistry } from '../nodes/registry.generated.ts';

export const formatDocPath = path.resolve(import.meta.dirname, '../docs/format.md');

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function nodeTable(): string {
  const rows = nodeRegistry.list().map((d) => {
    const schema = configJsonSchema(d) as { properties?: Record<string, unknown>; required?: string[] };
    const fields = Object.keys(schema.properties ?? {}).map((k) => (schema.required?.includes(k) ? `**${k}**` : k)).join(', ') || '—';
    const ports = d.outputs.length > 1 ? d.outputs.map((p) => `\`${p.id}\``).join(' / ') : '—';
    return `| \`${d.type}\` | ${d.kind}${d.container ? ' (container)' : ''} | ${cell(d.description)} | ${fields} | ${ports} |`;
  });
  return ['| Type | Kind | What it does | `with` fields (**required**) | Output ports |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function codeTable(): string {
  const yaml = Object.entries(YAML_CODES).map(([code, description]) => `| \`${code}\` | error | ${cell(description)} |`);
  const schema = ['| `SCHEMA_*` | error | The file does not match the format: `SCHEMA_INVALID_TYPE`, `SCHEMA_UNRECOGNIZED_KEYS`, `SCHEMA_INVALID_FORMAT`, `SCHEMA_TOO_SMALL`, … (the zod issue code). |'];
  const store = [
    '| `ID_CHANGED` | error | Saving a draft whose `id` differs from the workflow being edited. |',
    '| `ID_TAKEN` | error | Importing a file whose `id` is already used (import it as a copy to get a fresh id). |',
  ];
  const validate = listCodes().map(({ code, severity, description }) => `| \`${code}\` | ${severity} | ${cell(description)} |`);
  return ['| Code | Severity | Meaning |', '| --- | --- | --- |', ...yaml, ...schema, ...validate, ...store].join('\n');
}

function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a === -1 || b === -1) throw new Error(`docs/format.md: missing ${start} … ${end}`);
  return `${doc.slice(0, a + start.length)}\n${body}\n${doc.slice(b)}`;
}

export function expectedFormatDoc(current = readFileSync(formatDocPath, 'utf8')): string {
  return replaceSection(replaceSection(current, 'nodes', nodeTable()), 'codes', codeTable());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const current = readFileSync(formatDocPath, 'utf8');
  const next = expectedFormatDoc(current);
  if (process.argv.includes('--check')) {
    if (next !== current) { console.error('docs/format.md is stale: run npm run docs:generate'); process.exitCode = 1; }
  } else if (next !== current) {
    writeFileSync(formatDocPath, next);
    console.log('wrote docs/format.md');
  }
}
