// "Adding a node type = adding a folder": the generated registry must list exactly the
// folders, and every folder must hold a well-formed definition.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeData, type NodeDefinition } from '../../../engine/nodes/define-node.ts';
import { nodeDefinitions, nodeRegistry } from '../../../nodes/registry.generated.ts';
import { nodeRunners } from '../../../nodes/runners.generated.ts';
import { expectedRegistryFiles, nodesDir, renderRegistry, scanNodeFolders } from '../../../scripts/gen-node-registry.ts';

const folders = scanNodeFolders();

describe('generated registry', () => {
  it('nodes/*.generated.ts are what scripts/gen-node-registry.ts writes', () => {
    for (const [file, expected] of expectedRegistryFiles()) {
      expect(existsSync(file) ? readFileSync(file, 'utf8') : '(missing)', `${path.basename(file)} is stale: run npm run nodes:generate`).toBe(expected);
    }
  });

  it('lists every folder once, and a runner for every run.ts', () => {
    expect(nodeDefinitions.map((d) => d.type).sort()).toEqual(folders.map((f) => f.type));
    expect(nodeRunners.map((r) => r.definition.type)).toEqual(folders.filter((f) => f.hasRunner).map((f) => f.type));
    expect(nodeRegistry.list()).toHaveLength(folders.length);
  });
});

describe.each(folders)('nodes/$type/', ({ type, hasRunner }) => {
  const def = (): NodeDefinition => nodeRegistry.get(type)!;

  it("has definition.ts whose default export's type is the folder name, and a README.md", async () => {
    const mod = (await import(path.join(nodesDir, type, 'definition.ts'))) as { default: NodeDefinition };
    expect(mod.default.type).toBe(type);
    expect(mod.default).toBe(def());
    expect(existsSync(path.join(nodesDir, type, 'README.md'))).toBe(true);
  });

  it('is plain JSON as node data', () => {
    const data = toNodeData(def());
    expect(JSON.parse(JSON.stringify(data))).toStrictEqual(data);
  });

  it('has a run.ts only if it is an action node', () => {
    if (def().kind === 'control') expect(hasRunner).toBe(false);
  });

  it('has an in port, an icon name, a hex colour and docs with a YAML example', () => {
    const d = def();
    expect(d.inputs).toEqual([{ id: 'in', label: 'In' }]);
    expect(d.icon).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(d.colour).toMatch(/^#[0-9a-f]{6}$/);
    expect(d.description).toMatch(/^[A-Z].*\.$/);
    expect(d.docs).toContain('```yaml');
  });

  it('has defaults that parse, and parsing is stable', () => {
    const d = def();
    const shape = d.config.shape as Record<string, { parse(v: unknown): unknown }>;
    const properties = (toNodeData(d).configSchema.properties ?? {}) as Record<string, { default?: unknown }>;
    for (const [key, property] of Object.entries(properties)) {
      if ('default' in property) expect(shape[key]!.parse(property.default), key).toEqual(property.default);
    }
    const empty = d.config.safeParse({});
    if (empty.success) {
      expect(toNodeData(d).defaults).toEqual(empty.data);
      expect(d.config.parse(empty.data)).toEqual(empty.data);
    }
  });
});

describe('scripts/gen-node-registry.ts', () => {
  let dir = '';
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });
  const tree = (names: Record<string, string[]>) => {
    dir = mkdtempSync(path.join(tmpdir(), 'nodes-'));
    for (const [folder, files] of Object.entries(names)) {
      mkdirSync(path.join(dir, folder));
      for (const f of files) writeFileSync(path.join(dir, folder, f), '');
    }
    return dir;
  };

  it('sorts folders and sees run.ts', () => {
    expect(scanNodeFolders(tree({ zeta: ['definition.ts'], alpha: ['definition.ts', 'run.ts'] })))
      .toEqual([{ type: 'alpha', hasRunner: true }, { type: 'zeta', hasRunner: false }]);
  });

  it('refuses a folder without definition.ts, or one that cannot be a type name', () => {
    expect(() => scanNodeFolders(tree({ empty: [] }))).toThrow('nodes/empty/ has no definition.ts');
    rmSync(dir, { recursive: true });
    expect(() => scanNodeFolders(tree({ Bad: ['definition.ts'] }))).toThrow('folder names are node types');
  });

  it('turns type names into import names, and refuses collisions', () => {
    expect(renderRegistry([{ type: 'sub-flow', hasRunner: false }])).toContain("import subFlowDefinition from './sub-flow/definition.ts';");
    expect(() => renderRegistry([{ type: 'a-b', hasRunner: false }, { type: 'a_b', hasRunner: false }])).toThrow('collides');
  });
});
