// The audit log on both databases: every successful change made through the API is recorded
// with its target and its input — secret values hidden, long texts shortened — newest first,
// filterable and paged; reads and refused changes are not recorded.
import { describe, expect, it } from 'vitest';
import { useApiServer } from '../../helpers/api-fixture.ts';
import { databaseKinds } from '../../helpers/databases.ts';

const yaml = (id: string) => `apiVersion: switchyard/v1\nid: ${id}\nname: ${id}\ndescription: ${'a long description '.repeat(20)}\nsteps:\n  - { id: a, type: echo }\n`;

describe.each(databaseKinds)('audit log on %s', (kind) => {
  const fx = useApiServer(kind, {});

  it('records changes with who, what and when; hides secret values; shortens long texts', async () => {
    const created = await fx.api.workflows.create.mutate({ name: 'Audited flow' });
    await fx.api.workflows.import.mutate({ yaml: yaml('imported') });
    await fx.api.versions.publish.mutate({ workflowId: 'imported' });
    const { runId } = await fx.api.runs.start.mutate({ workflowId: 'imported' });
    await fx.server.app.context.runs.waitFor(runId);
    await fx.api.secrets.create.mutate({ name: 'AUDITED_TOKEN', value: 'very-secret-value' });
    await fx.api.workflows.list.query(); // a read: not recorded
    await fx.api.runs.cancel.mutate({ runId }).catch(() => undefined); // refused (already completed): not recorded

    const events = await fx.api.audit.list.query({});
    expect(events.map((e) => e.action)).toEqual(['secrets.create', 'runs.start', 'versions.publish', 'workflows.import', 'workflows.create']);
    const byAction = Object.fromEntries(events.map((e) => [e.action, e]));
    expect(byAction['workflows.create']).toMatchObject({ targetType: 'workflow', targetId: created.id, details: { name: 'Audited flow' }, ip: expect.stringMatching(/127\.0\.0\.1/) as string });
    expect(byAction['runs.start']).toMatchObject({ targetType: 'run', targetId: runId, details: { workflowId: 'imported' } });
    expect(byAction['versions.publish']).toMatchObject({ targetType: 'workflow', targetId: 'imported' });
    expect(byAction['workflows.import']!.details).toEqual({ yaml: expect.stringMatching(/^‹\d+ characters›$/) as string });
    expect(byAction['secrets.create']).toMatchObject({ targetType: 'secret', targetId: 'AUDITED_TOKEN', details: { name: 'AUDITED_TOKEN', value: '‹hidden›' } });
    expect(JSON.stringify(events)).not.toContain('very-secret-value');
    expect(new Date(events[0]!.at).getTime()).toBeGreaterThanOrEqual(new Date(events.at(-1)!.at).getTime());
  });

  it('filters by action and target, and pages back', async () => {
    expect((await fx.api.audit.list.query({ action: 'runs.start' })).map((e) => e.action)).toEqual(['runs.start']);
    expect((await fx.api.audit.list.query({ targetId: 'imported' })).map((e) => e.action)).toEqual(['versions.publish']);
    const first = await fx.api.audit.list.query({ limit: 2 });
    const next = await fx.api.audit.list.query({ limit: 2, before: first.at(-1)!.id });
    expect(next[0]!.id).toBeLessThan(first.at(-1)!.id);
    expect([...first, ...next].map((e) => e.action)).toEqual(['secrets.create', 'runs.start', 'versions.publish', 'workflows.import']);
    expect(await fx.api.audit.actions.query()).toEqual(['runs.start', 'secrets.create', 'versions.publish', 'workflows.create', 'workflows.import']);
  });
});
