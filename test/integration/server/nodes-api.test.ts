// nodes.list and nodes.checkConfig over tRPC: the data a palette and a config form are built
// from, and the server's answer for a config typed into such a form.
import { describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../../server/trpc/router.ts';
import path from 'node:path';
import { nodeRegistry } from '../../../nodes/registry.generated.ts';
import { nodeRunners } from '../../../nodes/runners.generated.ts';
import { useApiServer } from '../../helpers/api-fixture.ts';
import { repoRoot } from '../../helpers/server-process.ts';

describe('nodes API', () => {
  const fx = useApiServer('sqlite', {}, { registry: nodeRegistry, runners: nodeRunners, env: { NODE_DIRS: path.join(repoRoot, 'examples/nodes') } });

  it('lists every type with its form schema and defaults, external ones marked', async () => {
    const list = await fx.api.nodes.list.query();
    expect(list.map((n) => n.type).sort()).toEqual([...nodeRegistry.list().map((d) => d.type), 'semver-bump'].sort());
    expect(list.find((n) => n.type === 'script')).toMatchObject({ kind: 'action', defaults: { shell: 'bash' }, configSchema: { required: ['run'] } });
    expect(list.find((n) => n.type === 'semver-bump')?.external).toBe(true);
    expect(list.find((n) => n.type === 'script')?.external).toBeUndefined();
  });

  it('checks a config with the type\'s own schema: fields, cross-field rules, and defaults applied', async () => {
    expect(await fx.api.nodes.checkConfig.query({ type: 'http', config: { url: 'https://example.com' } })).toMatchObject({ ok: true, config: { method: 'GET', body_type: 'json' } });
    const missing = await fx.api.nodes.checkConfig.query({ type: 'http', config: { timeout: 'soon' } });
    expect(missing.ok).toBe(false);
    expect(missing.issues.map((i) => i.path.join('.')).sort()).toEqual(['timeout', 'url']);
    const rule = await fx.api.nodes.checkConfig.query({ type: 'agent', config: { cli: 'custom', prompt: 'hi' } });
    expect(rule.issues).toEqual([expect.objectContaining({ path: ['command'], message: expect.stringContaining('cli: custom needs `command`') as string })]);
    expect(await fx.api.nodes.checkConfig.query({ type: 'semver-bump', config: { current: '1.2.3' } })).toMatchObject({ ok: true });
  });

  it('answers NOT_FOUND for an unknown type and BAD_REQUEST for a config that is not an object', async () => {
    const unknown = await fx.api.nodes.checkConfig.query({ type: 'teleport', config: {} }).catch((e: unknown) => e);
    expect((unknown as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
    expect((unknown as Error).message).toContain('teleport');
    const bad = await fx.api.nodes.checkConfig.query({ type: 'http', config: 'url=x' as never }).catch((e: unknown) => e);
    expect((bad as TRPCClientError<AppRouter>).data?.code).toBe('BAD_REQUEST');
  });
});
