// The workflows and versions API over real HTTP, on both databases: the draft lifecycle,
// import / export, diagnostics instead of 500s, publishing and diffs.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { databaseKinds } from '../../helpers/databases.ts';
import { startTestServer, type TestServer, apiClient } from '../../helpers/server.ts';

const examplesDir = path.resolve(import.meta.dirname, '../../../examples');
const example = (name: string) => readFileSync(path.join(examplesDir, name), 'utf8');

describe.each(databaseKinds)('workflows API on %s', (kind) => {
  let server: TestServer;
  let api: ReturnType<typeof createTRPCClient<AppRouter>>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/api/trpc`, maxURLLength: 4000, headers: { authorization: `Bearer ${server.token}` } })] });
  });
  afterAll(async () => { await server?.stop(); });

  it('creates a workflow with an id derived from its name, unique on clashes', async () => {
    const a = await api.workflows.create.mutate({ name: 'Deploy on Plan!' });
    const b = await api.workflows.create.mutate({ name: 'deploy on plan' });
    expect(a.id).toBe('deploy-on-plan');
    expect(b.id).toBe('deploy-on-plan-2');
    const got = await api.workflows.get.query({ id: a.id });
    expect(got.yaml).toMatch(/^apiVersion: switchyard\/v1\nid: deploy-on-plan\nname: Deploy on Plan!\n/);
    expect(got.diagnostics).toEqual([]);
    expect(got.latestVersion).toBeNull();
  });

  it('saves a valid draft in canonical form and copies name, description and tags to the list', async () => {
    const { id } = await api.workflows.create.mutate({ name: 'Draft test' });
    const yaml = `id: ${id}\napiVersion: switchyard/v1\nname: Renamed\ntags: [x, y]\nsteps:\n  - type: script\n    id: hello\n    with: { run: echo hi }\n`;
    const saved = await api.workflows.update.mutate({ id, yaml });
    expect(saved.ok).toBe(true);
    const got = await api.workflows.get.query({ id });
    expect(got.yaml.startsWith('apiVersion: switchyard/v1\nid: draft-test\nname: Renamed\n')).toBe(true);
    expect(got.name).toBe('Renamed');
    expect((await api.workflows.list.query({ tag: 'y' })).map((w) => w.id)).toContain(id);
    expect((await api.workflows.list.query({ search: 'RENAMED' })).map((w) => w.id)).toEqual([id]);
  });

  it('refuses a broken draft with located diagnostics and keeps the stored one', async () => {
    const { id } = await api.workflows.create.mutate({ name: 'Keep me' });
    const before = (await api.workflows.get.query({ id })).yaml;
    const result = await api.workflows.update.mutate({ id, yaml: `apiVersion: switchyard/v1\nid: ${id}\nname: x\nsteps:\n  - id: a\n    type: script\n    timeout: 5 minutes\n` });
    expect(result.ok).toBe(false);
    const d = result.diagnostics.find((x) => x.path.join('.') === 'steps.0.timeout');
    expect(d).toMatchObject({ severity: 'error', line: 7, stepId: 'a' });
    expect((await api.workflows.get.query({ id })).yaml).toBe(before);
    const changedId = await api.workflows.update.mutate({ id, yaml: `apiVersion: switchyard/v1\nid: other\nname: x\nsteps: []\n` });
    expect(changedId).toMatchObject({ ok: false, diagnostics: [{ code: 'ID_CHANGED' }] });
  });

  it('validates YAML without saving, returning every problem at once', async () => {
    const { diagnostics } = await api.workflows.validate.query({
      yaml: 'apiVersion: switchyard/v1\nid: v\nname: V\nsteps:\n  - id: a\n    type: nope\n  - id: b\n    type: script\n    needs: [missing]\n    with: { run: echo }\n',
    });
    expect(diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['UNKNOWN_NODE_TYPE', 'UNKNOWN_DEPENDENCY']));
    expect(diagnostics.every((d) => typeof d.line === 'number')).toBe(true);
  });

  it('imports every example all-or-nothing, and exports it back', async () => {
    for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'))) {
      const result = await api.workflows.import.mutate({ yaml: example(file) });
      expect(result, file).toMatchObject({ ok: true });
      if (!result.ok) continue;
      const exported = await api.workflows.export.query({ id: result.workflow.id });
      expect(exported.filename).toBe(`${result.workflow.id}.yaml`);
      expect(exported.yaml).toContain(`id: ${result.workflow.id}`);
    }
    const again = await api.workflows.import.mutate({ yaml: example('nightly-report.yaml') });
    expect(again).toMatchObject({ ok: false, diagnostics: [{ code: 'ID_TAKEN' }] });
    const renamed = await api.workflows.import.mutate({ yaml: example('nightly-report.yaml'), onConflict: 'rename' });
    expect(renamed).toMatchObject({ ok: true, workflow: { id: 'nightly-report-2' } });
  });

  it('imports nothing when the file has errors', async () => {
    const before = (await api.workflows.list.query({})).length;
    const result = await api.workflows.import.mutate({ yaml: 'apiVersion: switchyard/v1\nid: half\nname: Half\nsteps:\n  - id: a\n    type: script\n    needs: [a]\n    with: { run: x }\n' });
    expect(result.ok).toBe(false);
    expect((await api.workflows.list.query({})).length).toBe(before);
  });

  it('duplicates and deletes', async () => {
    const { id } = await api.workflows.create.mutate({ name: 'Original' });
    const copy = await api.workflows.duplicate.mutate({ id });
    expect(copy).toMatchObject({ id: 'original-copy', name: 'Original (copy)' });
    await api.workflows.delete.mutate({ id: copy.id });
    await expect(api.workflows.get.query({ id: copy.id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });

  it('publishes immutable numbered versions, reuses an unchanged one, diffs and restores', async () => {
    const { id } = await api.workflows.create.mutate({ name: 'Versioned' });
    const v1 = await api.versions.publish.mutate({ workflowId: id, message: 'first' });
    expect(v1).toMatchObject({ ok: true, unchanged: false, version: { number: 1, message: 'first' } });
    expect(await api.versions.publish.mutate({ workflowId: id })).toMatchObject({ ok: true, unchanged: true, version: { number: 1 } });

    const yaml = (await api.workflows.get.query({ id })).yaml.replace('steps: []\n', 'steps:\n  - id: hello\n    type: script\n    with:\n      run: echo hello\n');
    expect(await api.workflows.update.mutate({ id, yaml })).toMatchObject({ ok: true });
    const diff = await api.versions.diff.query({ workflowId: id, from: 1, to: 'draft' });
    expect(diff.identical).toBe(false);
    expect(diff.added).toBeGreaterThanOrEqual(4);
    expect(diff.patch).toContain('+  - id: hello');
    expect(await api.versions.publish.mutate({ workflowId: id })).toMatchObject({ ok: true, version: { number: 2 } });
    expect((await api.versions.list.query({ workflowId: id })).map((v) => v.number)).toEqual([2, 1]);
    expect((await api.versions.get.query({ workflowId: id, number: 1 })).yaml).not.toContain('hello');

    expect(await api.versions.restore.mutate({ workflowId: id, number: 1 })).toMatchObject({ ok: true });
    expect((await api.workflows.get.query({ id })).yaml).not.toContain('hello');
    expect((await api.versions.diff.query({ workflowId: id, from: 1, to: 'draft' })).identical).toBe(true);
  });

  it('refuses to publish a draft with errors, returning its diagnostics', async () => {
    const { id } = await api.workflows.create.mutate({ name: 'Broken graph' });
    await api.workflows.update.mutate({ id, yaml: `apiVersion: switchyard/v1\nid: ${id}\nname: B\nsteps:\n  - id: a\n    type: script\n    needs: [b]\n    with: { run: x }\n  - id: b\n    type: script\n    needs: [a]\n    with: { run: y }\n` });
    const result = await api.versions.publish.mutate({ workflowId: id });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics.map((d) => d.code)).toContain('CYCLE');
    expect(await api.versions.list.query({ workflowId: id })).toEqual([]);
  });

  it('lists node types as plain data with config JSON Schemas', async () => {
    const nodes = await api.nodes.list.query();
    const gate = nodes.find((n) => n.type === 'gate');
    expect(gate).toMatchObject({ kind: 'control', outputs: [{ id: 'approved' }, { id: 'rejected' }] });
    expect(gate?.configSchema).toMatchObject({ type: 'object' });
    expect(nodes.map((n) => n.type)).toEqual(expect.arrayContaining(['condition', 'join', 'loop', 'gate', 'delay', 'subworkflow', 'parallel', 'script', 'http']));
  });

  it.each([
    ['an unknown id', () => api.workflows.get.query({ id: 'nope' }), 'NOT_FOUND'],
    ['an id that is not URL-safe', () => api.workflows.get.query({ id: 'Not Safe!' }), 'BAD_REQUEST'],
    ['a non-string yaml', () => api.workflows.validate.query({ yaml: 42 as unknown as string }), 'BAD_REQUEST'],
    ['an unknown version', () => api.versions.get.query({ workflowId: 'deploy-on-plan', number: 99 }), 'NOT_FOUND'],
  ])('answers %s with a structured %s, never a 500', async (_what, call, code) => {
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data?.code).toBe(code);
  });

  it('serves the JSON Schema at /schema/workflow.v1.json', async () => {
    const res = await fetch(`${server.url}/schema/workflow.v1.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/schema+json');
    const schema = await res.json();
    expect(JSON.stringify(schema)).toContain('switchyard/v1');
  });
});

describe('hostile input over tRPC', () => {
  let server: TestServer;
  let api: ReturnType<typeof createTRPCClient<AppRouter>>;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    api = apiClient(server.url, server.token);
  });
  afterAll(async () => { await server?.stop(); });

  it('refuses a 50 MB request body without reading it all, and keeps serving', async () => {
    const started = Date.now();
    const res = await fetch(`${server.url}/api/trpc/workflows.import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ yaml: 'x'.repeat(50 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it.each([
    ['an alias bomb', 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n', 'YAML_ALIAS_LIMIT'],
    ['5,000-deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'YAML_TOO_DEEP'],
    ['a !!js/function tag', 'apiVersion: switchyard/v1\nid: x\nname: !!js/function "function () { return 1 }"\nsteps: []\n', 'YAML_TAG'],
    ['__proto__ keys', 'apiVersion: switchyard/v1\nid: x\nname: X\n__proto__: { polluted: true }\nsteps: []\n', 'YAML_FORBIDDEN_KEY'],
    ['duplicate keys', 'apiVersion: switchyard/v1\nid: x\nid: y\nname: X\nsteps: []\n', 'YAML_DUPLICATE_KEY'],
    ['malformed YAML', 'apiVersion: "switchyard/v1\nid: x\n', 'YAML_SYNTAX'],
    ['wrong types everywhere', 'apiVersion: 1\nid: [x]\nname: {}\nsteps: {a: 1}\n', 'SCHEMA_INVALID_VALUE'],
  ])('imports nothing from %s and says where the problem is', async (_what, yaml, code) => {
    const started = Date.now();
    const result = await api.workflows.import.mutate({ yaml });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.ok).toBe(false);
    const d = result.diagnostics.find((x) => x.code === code);
    expect(d, JSON.stringify(result.diagnostics)).toBeDefined();
    expect(d!.line).toBeGreaterThanOrEqual(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
