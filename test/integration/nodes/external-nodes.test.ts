// Node types from NODE_DIRS: loaded at start-up next to the built-ins, listed for the palette
// with their config form, run by the engine — and every broken folder reported at once,
// naming it and the fix, before the server serves anything.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeRegistry } from '../../../nodes/registry.generated.ts';
import { loadExternalNodes, ExternalNodeError } from '../../../server/nodes/external-nodes.ts';
import { ownerToken, repoRoot, startServerProcess, type ServerProcess } from '../../helpers/server-process.ts';
import { startTestServer, apiClient } from '../../helpers/server.ts';

const examples = path.join(repoRoot, 'examples/nodes');
const builtIns = new Set(nodeRegistry.list().map((d) => d.type));

const release = `apiVersion: switchyard/v1
id: release
name: release
inputs:
  version: { type: string, required: true }
steps:
  - { id: next, type: semver-bump, with: { current: "\${{ inputs.version }}", bump: minor } }
`;

describe('external node types (NODE_DIRS)', () => {
  // Folders inside the checkout (ignored by git), so their `import 'zod'` resolves as a
  // third party's would from its own node_modules.
  const scratch = mkdtempSync(path.join(repoRoot, '.tmp-external-nodes-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function folder(name: string, files: Record<string, string>): string {
    const dir = path.join(scratch, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    return dir;
  }
  const definition = (type: string, extra = '') => `import { z } from 'zod';
export default { type: '${type}', version: 1, title: 'T', description: 'd', icon: 'box', colour: '#000', category: 'data',
  kind: 'action', inputs: [], outputs: [{ id: 'out', label: 'Out' }], config: z.object({}), docs: '' ${extra} };
`;
  const runner = (type: string) => `import definition from './definition.mjs';
export default { definition, run: async () => ({ ok: '${type}' }) };
`;

  it('lists a loaded type with its config form and runs it (in-process server)', async () => {
    const server = await startTestServer('sqlite', { env: { NODE_DIRS: examples } });
    try {
      const api = apiClient(server.url, server.token);
      const listed = (await api.nodes.list.query()).find((n) => n.type === 'semver-bump');
      expect(listed).toMatchObject({ title: 'Bump version', kind: 'action', defaults: { bump: 'patch', preid: 'rc' } });
      expect(Object.keys((listed!.configSchema as { properties: object }).properties)).toEqual(['current', 'bump', 'preid']);
      await api.workflows.import.mutate({ yaml: release });
      await api.versions.publish.mutate({ workflowId: 'release' });
      const { runId } = await api.runs.start.mutate({ workflowId: 'release', inputs: { version: 'v1.4.2' } });
      await server.app.context.runs.waitFor(runId);
      const run = await api.runs.get.query({ runId });
      expect(run.status).toBe('completed');
      expect(run.steps[0]).toMatchObject({ stepId: 'next', status: 'completed', output: { version: 'v1.5.0', previous: 'v1.4.2' }, summary: 'v1.4.2 → v1.5.0' });
    } finally {
      await server.stop();
    }
  });

  it('refuses a workflow using the type when the folder is not configured, naming the type', async () => {
    const server = await startTestServer('sqlite');
    try {
      const api = apiClient(server.url, server.token);
      const imported = await api.workflows.import.mutate({ yaml: release }).catch((e: unknown) => e);
      expect(JSON.stringify(imported)).toContain('semver-bump');
    } finally {
      await server.stop();
    }
  });

  it('accepts a folder that is itself one node type, and plain-object definitions in .mjs', async () => {
    const dir = folder('one/plain-node', { 'definition.mjs': definition('plain-node'), 'run.mjs': runner('plain-node') });
    const [loaded] = await loadExternalNodes([dir], builtIns);
    expect(loaded!.type).toBe('plain-node');
    expect(await loaded!.runner.run({} as never, {}, {})).toEqual({ ok: 'plain-node' });
  });

  it('reports every broken folder at once, each with where and how to fix it', async () => {
    const root = path.join(scratch, 'broken');
    folder('broken/script', { 'definition.mjs': definition('script'), 'run.mjs': runner('script') });
    folder('broken/mismatch', { 'definition.mjs': definition('other-name'), 'run.mjs': runner('other-name') });
    folder('broken/control', { 'definition.mjs': definition('control', ", kind: 'control'"), 'run.mjs': runner('control') });
    folder('broken/no-runner', { 'definition.mjs': definition('no-runner') });
    folder('broken/bad-version', { 'definition.mjs': definition('bad-version', ', version: 0'), 'run.mjs': runner('bad-version') });
    folder('broken/throws', { 'definition.mjs': "throw new Error('boom at import');\n" });
    folder('broken/lib', { 'helpers.mjs': 'export const x = 1;\n' }); // not a node folder: ignored
    const err = await loadExternalNodes([root, path.join(scratch, 'missing')], builtIns).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalNodeError);
    const problems = (err as ExternalNodeError).problems.join('\n');
    expect(problems).toMatch(/script: "script" is a built-in node type/);
    expect(problems).toMatch(/mismatch.*declares type "other-name" but its folder is "mismatch"/);
    expect(problems).toMatch(/control.*kind must be "action"/);
    expect(problems).toMatch(/no-runner: has no run\.ts/);
    expect(problems).toMatch(/bad-version.*version must be an integer ≥ 1/);
    expect(problems).toMatch(/throws.*boom at import/);
    expect(problems).toMatch(/missing: not a directory/);
    expect(problems).not.toMatch(/lib/);
    expect((err as Error).message).toContain('docs/nodes.md');
  });

  describe('the real server process', () => {
    let proc: ServerProcess | undefined;
    afterAll(async () => { await proc?.stop(); });

    it('loads NODE_DIRS at start-up and lists the type', async () => {
      const data = mkdtempSync(path.join(scratch, 'data-'));
      proc = await startServerProcess({ DATA_DIR: data, NODE_DIRS: examples }, ['--no-ui']);
      expect(proc.output()).toMatch(/node type loaded.*semver-bump/);
      const api = apiClient(proc.url, await ownerToken(proc.url));
      expect((await api.nodes.list.query()).map((n) => n.type)).toContain('semver-bump');
    });

    it('refuses to start on a broken folder and says why', async () => {
      const data = mkdtempSync(path.join(scratch, 'data-'));
      const bad = folder('bad-start/mismatch', { 'definition.mjs': definition('nope'), 'run.mjs': runner('nope') });
      const err = await startServerProcess({ DATA_DIR: data, NODE_DIRS: path.dirname(bad) }, ['--no-ui'], 20_000).catch((e: unknown) => e);
      expect(String(err)).toMatch(/declares type "nope" but its folder is "mismatch"/);
    });
  });
});
