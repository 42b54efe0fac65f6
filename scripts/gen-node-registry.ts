// Writes nodes/registry.generated.ts (every nodes/<type>/definition.ts, safe for the browser)
// and nodes/runners.generated.ts (every nodes/<type>/run.ts, server only), so that adding a
// node type is adding a folder. Static imports rather than a runtime directory scan: the
// bundler must see every definition, and a stale file is caught by --check and a unit test.
//
//   tsx scripts/gen-node-registry.ts          write the files when they changed
//   tsx scripts/gen-node-registry.ts --check  exit 1 when they are stale
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const nodesDir = path.join(root, 'nodes');

const TYPE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const HEADER = '// GENERATED — do not edit; run npm run nodes:generate (scripts/gen-node-registry.ts).\n';

export interface NodeFolder {
  type: string;
  hasRunner: boolean;
}

/** Every node folder, sorted by name. Throws on a folder that cannot be a node type. */
export function scanNodeFolders(dir = nodesDir): NodeFolder[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((type) => {
      if (!TYPE_NAME.test(type)) throw new Error(`nodes/${type}/: folder names are node types: lowercase letters, digits, "-" or "_"`);
      if (!existsSync(path.join(dir, type, 'definition.ts'))) throw new Error(`nodes/${type}/ has no definition.ts`);
      return { type, hasRunner: existsSync(path.join(dir, type, 'run.ts')) };
    });
}

/** "sub-workflow" → "subWorkflow" + suffix; distinct types must not collide. */
function identifiers(types: string[], suffix: string): string[] {
  const ids = types.map((t) => t.replace(/[-_]+([a-z0-9])/g, (_, c: string) => c.toUpperCase()) + suffix);
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new Error(`nodes/${types[i]}/: its import name ${id} collides with another folder's; rename one`);
    seen.add(id);
  });
  return ids;
}

const list = (ids: string[]) => (ids.length ? `\n${ids.map((id) => `  ${id},\n`).join('')}` : '');

function render(kind: string, imports: string[], body: string[]): string {
  return [HEADER + kind, '', ...imports, '', ...body, ''].join('\n');
}

export function renderRegistry(folders: NodeFolder[]): string {
  const types = folders.map((f) => f.type);
  const ids = identifiers(types, 'Definition');
  return render(
    '// Every node definition: metadata, ports and config schemas. Safe to import in the browser.',
    [
      "import { createNodeRegistry, type NodeDefinition } from '../engine/nodes/define-node.ts';",
      ...types.map((t, i) => `import ${ids[i]} from './${t}/definition.ts';`),
    ],
    [
      `export const nodeDefinitions: NodeDefinition[] = [${list(ids)}];`,
      '',
      'export const nodeRegistry = createNodeRegistry(nodeDefinitions);',
    ],
  );
}

export function renderRunners(folders: NodeFolder[]): string {
  const types = folders.filter((f) => f.hasRunner).map((f) => f.type);
  const ids = identifiers(types, 'Runner');
  return render(
    '// SERVER ONLY: every node run.ts, with its side effects. Never import this from app/.',
    [
      "import type { NodeRunner } from '../engine/nodes/define-node.ts';",
      ...types.map((t, i) => `import ${ids[i]} from './${t}/run.ts';`),
    ],
    [`export const nodeRunners: NodeRunner[] = [${list(ids)}];`],
  );
}

/** What the generated files should contain, by absolute path. Reads node folders, writes nothing. */
export function expectedRegistryFiles(dir = nodesDir): Map<string, string> {
  const folders = scanNodeFolders(dir);
  return new Map([
    [path.join(dir, 'registry.generated.ts'), renderRegistry(folders)],
    [path.join(dir, 'runners.generated.ts'), renderRunners(folders)],
  ]);
}

function main(check: boolean): number {
  let stale = 0;
  for (const [file, text] of expectedRegistryFiles()) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === text) continue;
    stale++;
    const name = path.relative(root, file);
    if (check) console.error(`${name} is stale: run npm run nodes:generate`);
    else { writeFileSync(file, text); console.log(`wrote ${name}`); }
  }
  return check && stale > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.includes('--check'));
