// Secrets end to end on both databases: write-only through the API, sealed at rest, resolved
// on the server when a step runs — by `${{ secrets.NAME }}` templates and ctx.secret — and
// masked wherever the value would leave the server: the step log (also when a process prints
// it in two pieces), the journal, the step's recorded input and its outputs.
import { describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { nodeRegistry } from '../../../nodes/registry.generated.ts';
import { nodeRunners } from '../../../nodes/runners.generated.ts';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { useApiServer } from '../../helpers/api-fixture.ts';
import { databaseKinds } from '../../helpers/databases.ts';

const TOKEN = 'tok_9f8e7d6c5b4a';

const usesSecret = `apiVersion: switchyard/v1
id: uses-secret
name: uses-secret
steps:
  - id: show
    type: script
    with:
      env: { API_TOKEN: "\${{ secrets.API_TOKEN }}" }
      shell: node
      run: |
        const t = process.env.API_TOKEN;
        process.stdout.write('whole: ' + t + '\\n');
        process.stdout.write('split: ' + t.slice(0, 5));
        setTimeout(() => {
          process.stdout.write(t.slice(5) + ' done\\n');
          console.log('::set-output ' + JSON.stringify({ echoed: t, length: t.length }));
        }, 50);
`;

const err = (e: unknown) => e as TRPCClientError<AppRouter>;

describe.each(databaseKinds)('secrets on %s', (kind) => {
  const fx = useApiServer(kind, { 'uses-secret': usesSecret }, { registry: nodeRegistry, runners: nodeRunners });

  it('are write-only: listed by name and version, never with their value; sealed at rest', async () => {
    const created = await fx.api.secrets.create.mutate({ name: 'API_TOKEN', value: TOKEN });
    expect(created).toMatchObject({ name: 'API_TOKEN', version: 1 });
    expect(JSON.stringify(created)).not.toContain(TOKEN);
    const list = await fx.api.secrets.list.query();
    expect(list.map((s) => s.name)).toContain('API_TOKEN');
    expect(JSON.stringify(list)).not.toContain(TOKEN);
    const row = await fx.server.app.context.db.secret.findUniqueOrThrow({ where: { name: 'API_TOKEN' } });
    expect(row.sealed).not.toContain(TOKEN);
    expect(row.sealed).toMatch(/^v1\./);
  });

  it('refuse a duplicate, a bad name, an empty value; rotate and delete by name', async () => {
    expect(err(await fx.api.secrets.create.mutate({ name: 'API_TOKEN', value: 'x-y-z-w' }).catch((e: unknown) => e)).data?.code).toBe('CONFLICT');
    const bad = err(await fx.api.secrets.create.mutate({ name: '1-bad name', value: 'v' }).catch((e: unknown) => e));
    expect(bad.data?.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(bad.data?.zodError?.fieldErrors)).toContain('letters, digits and \\"_\\"');
    expect(err(await fx.api.secrets.create.mutate({ name: 'EMPTY', value: '' }).catch((e: unknown) => e)).data?.code).toBe('BAD_REQUEST');
    await fx.api.secrets.create.mutate({ name: 'OLD_KEY', value: 'first-value' });
    expect(await fx.api.secrets.rotate.mutate({ name: 'OLD_KEY', value: 'second-value' })).toMatchObject({ name: 'OLD_KEY', version: 2 });
    expect(fx.server.app.context.secrets.get('OLD_KEY')).toBe('second-value');
    expect(err(await fx.api.secrets.rotate.mutate({ name: 'NOPE', value: 'v-v-v-v' }).catch((e: unknown) => e)).data?.code).toBe('NOT_FOUND');
    await fx.api.secrets.delete.mutate({ name: 'OLD_KEY' });
    expect((await fx.api.secrets.list.query()).map((s) => s.name)).not.toContain('OLD_KEY');
    expect(err(await fx.api.secrets.delete.mutate({ name: 'OLD_KEY' }).catch((e: unknown) => e)).data?.code).toBe('NOT_FOUND');
  });

  it('reach a step through a template, and are masked in its log, outputs, input and journal', async () => {
    const { runId } = await fx.api.runs.start.mutate({ workflowId: 'uses-secret' });
    await fx.server.app.context.runs.waitFor(runId);
    const run = await fx.api.runs.get.query({ runId });
    expect(run.status).toBe('completed');
    const step = run.steps[0]!;
    // The process got the real value: it printed its length.
    expect(step.output).toMatchObject({ echoed: '***', length: TOKEN.length });
    expect(JSON.stringify(step.input)).toContain('"API_TOKEN":"***"');
    const log = (await fx.api.runs.logs.query({ runId, step: 'show', stream: 'stdout', offset: 0 })).text;
    expect(log).toContain('whole: ***\n');
    expect(log).toContain('split: *** done\n');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(TOKEN.slice(0, 5));
    const journal = await fx.server.app.context.journal.read(runId);
    expect(JSON.stringify(journal)).not.toContain(TOKEN);
    const rows = await fx.server.app.context.db.runStep.findMany({ where: { runId } });
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
  });
});
