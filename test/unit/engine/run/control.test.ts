// Timers and people: step and run timeouts, delays, human gates, and saga compensation.
import { describe, expect, it } from 'vitest';
import { fold } from '../../../../engine/run/reducer.ts';
import { Harness, planOf } from './harness.ts';

const gate = (extra = '') => `  - id: approve
    type: gate
    with: { message: ship?, approvers: ["role:runner"], timeout: 50ms${extra} }
  - { id: yes, type: echo, needs: [approve.approved] }
  - { id: no, type: echo, needs: [approve.rejected] }
`;

describe('timeouts and delays', () => {
  it('a step timeout aborts the attempt and retries it', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: slow, type: wait, timeout: 5ms, retry: { attempts: 2, initial: 1ms } }\n`));
    const state = await h.start();
    expect(state.status).toBe('failed');
    expect(h.calls.map((c) => c.attempt)).toEqual([1, 2]);
    expect(state.steps.get('slow')?.error).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('a run timeout fails the run and aborts what runs', async () => {
    const h = new Harness(planOf(`timeout: 20ms\nsteps:\n  - { id: forever, type: wait }\n`));
    const state = await h.start();
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('RUN_TIMEOUT');
    expect(h.statusOf(state)).toEqual({ forever: 'cancelled' });
  });

  it('a delay waits (durably: its due time is journaled), then continues', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: pause, type: delay, with: { duration: 10ms } }\n  - { id: after, type: echo, needs: [pause] }\n`));
    const started = Date.now();
    const state = await h.start();
    expect(Date.now() - started).toBeGreaterThanOrEqual(9);
    expect(h.statusOf(state)).toEqual({ pause: 'completed', after: 'completed' });
    expect(h.journal.events.some((e) => e.type === 'step.waiting' && e.until)).toBe(true);
  });
});

describe('human gates', () => {
  it('counts a quorum of different people, recording who and their comment', async () => {
    const h = new Harness(planOf(`steps:\n${gate(', quorum: 2, timeout: 1h')}`.replace('timeout: 50ms, ', '')));
    const done = h.start();
    await h.until(() => h.executor.current.steps.get('approve')?.status === 'waiting');
    await h.executor.decideGate('approve', 'approve', 'alice', 'looks good');
    await h.executor.decideGate('approve', 'approve', 'alice');
    expect(h.executor.current.steps.get('approve')?.status).toBe('waiting');
    await h.executor.decideGate('approve', 'approve', 'bob');
    const state = await done;
    expect(h.statusOf(state)).toEqual({ approve: 'completed', yes: 'completed', no: 'skipped' });
    expect(state.steps.get('approve')?.decisions?.map((d) => [d.by, d.comment])).toEqual([['alice', 'looks good'], ['bob', undefined]]);
  });

  it('takes the rejected branch at the first rejection', async () => {
    const h = new Harness(planOf(`steps:\n${gate()}`));
    const done = h.start();
    await h.until(() => h.executor.current.steps.get('approve')?.status === 'waiting');
    await h.executor.decideGate('approve', 'reject', 'carol', 'not today');
    expect(h.statusOf(await done)).toEqual({ approve: 'completed', yes: 'skipped', no: 'completed' });
  });

  it('on timeout: proceed continues as approved', async () => {
    const state = await new Harness(planOf(`steps:\n${gate(', on_timeout: proceed')}`)).start();
    expect(state.steps.get('approve')).toMatchObject({ status: 'completed', port: 'approved', output: { decision: 'timed_out' } });
  });

  it('on timeout: cancel cancels the run', async () => {
    const state = await new Harness(planOf(`steps:\n${gate(', on_timeout: cancel')}`)).start();
    expect(state.status).toBe('cancelled');
  });

  it('on timeout: escalate gives escalate_to one more timeout, then cancels', async () => {
    const h = new Harness(planOf(`steps:\n${gate(', on_timeout: escalate, escalate_to: ["user:lead@example.com"]')}`));
    const state = await h.start();
    expect(state.status).toBe('cancelled');
    const waits = h.journal.events.filter((e) => e.type === 'step.waiting').map((e) => e.type === 'step.waiting' && e.reason);
    expect(waits).toEqual(['gate', 'escalated']);
  });

  it('an escalated gate can still be approved', async () => {
    const h = new Harness(planOf(`steps:\n${gate(', on_timeout: escalate, escalate_to: ["user:lead@example.com"]')}`));
    const done = h.start();
    await h.until(() => h.executor.current.steps.get('approve')?.waitReason === 'escalated');
    await h.executor.decideGate('approve', 'approve', 'lead@example.com');
    expect((await done).status).toBe('completed');
  });
});

describe('sagas', () => {
  it('on failure, runs the compensations of completed steps in reverse order, then fails', async () => {
    const h = new Harness(planOf(`steps:
  - { id: one, type: echo, compensate: undo_one }
  - { id: two, type: echo, needs: [one], compensate: undo_two }
  - { id: boom, type: fail, needs: [two], on_failure: compensate }
  - { id: never, type: echo, needs: [boom] }
  - { id: undo_one, type: echo }
  - { id: undo_two, type: echo }
`));
    const state = await h.start();
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('BOOM');
    expect(h.calls.map((c) => c.step)).toEqual(['one', 'two', 'boom', 'undo_two', 'undo_one']);
    expect(h.statusOf(state)).toMatchObject({ never: 'skipped', undo_one: 'completed', undo_two: 'completed' });
    expect(fold(h.journal.events).status).toBe('failed');
  });

  it('never runs compensation steps in a run that succeeds', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: one, type: echo, compensate: undo }\n  - { id: undo, type: echo }\n`));
    const state = await h.start();
    expect(state.status).toBe('completed');
    expect(h.calls.map((c) => c.step)).toEqual(['one']);
  });
});
