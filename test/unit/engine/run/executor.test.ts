// The engine's semantics, run through the real scheduler and executor with an in-memory
// journal: order, branches, joins, retries, failure policies, control, rebuild and recovery.
import { describe, expect, it } from 'vitest';
import { fold } from '../../../../engine/run/reducer.ts';
import { Harness, planOf } from './harness.ts';
import { loadWorkflowYaml } from '../../../../engine/workflow/load.ts';
import { buildPlan } from '../../../../engine/run/plan.ts';
import { testRegistry } from '../../../helpers/test-nodes.ts';

const registry = testRegistry();

describe('the engine', () => {
  it('runs a chain in order, passing outputs through templates, and completes', async () => {
    const h = new Harness(planOf(`inputs:\n  who: { type: string }\nsteps:
  - id: a
    type: echo
    with: { value: "hello \${{ inputs.who }}" }
  - id: b
    type: echo
    needs: [a]
    with: { value: "\${{ steps.a.outputs.value }}!" }
`));
    const state = await h.start({ who: 'world' });
    expect(state.status).toBe('completed');
    expect(h.calls.map((c) => [c.step, c.config.value])).toEqual([['a', 'hello world'], ['b', 'hello world!']]);
    expect(h.types()).toEqual(['run.created', 'run.started', 'step.started:a', 'step.completed:a', 'step.started:b', 'step.completed:b', 'run.completed']);
  });

  it('can rebuild run and step state from the journal alone', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: a, type: echo }\n  - { id: b, type: fail, needs: [a], with: { times: 1 }, retry: { attempts: 2, initial: 1ms } }\n  - { id: c, type: echo, needs: [b] }\n`));
    const live = await h.start();
    const rebuilt = fold(h.journal.events);
    expect({ ...rebuilt, seq: 0 }).toEqual({ ...live, seq: 0 });
    expect(rebuilt.steps.get('b')).toMatchObject({ status: 'completed', attempt: 2 });
  });

  it('runs independent steps in parallel, within the per-run limit', async () => {
    const steps = ['a', 'b', 'c', 'd'].map((id) => `  - { id: ${id}, type: echo, needs: [root] }`).join('\n');
    const h = new Harness(planOf(`steps:\n  - { id: root, type: echo }\n${steps}\n`));
    await h.start();
    expect(h.maxRunning).toBe(4);
    const limited = new Harness(planOf(`steps:\n  - { id: root, type: echo }\n${steps}\n`));
    expect((await limited.start({}, { maxParallel: 2 })).status).toBe('completed');
    expect(limited.maxRunning).toBe(2);
  });

  it('takes one branch of a condition; skipping flows to what only the other branch feeds', async () => {
    const h = new Harness(planOf(`inputs:\n  n: { type: number }\nsteps:
  - { id: check, type: condition, with: { if: inputs.n > 2 } }
  - { id: yes, type: echo, needs: [check.true] }
  - { id: no, type: echo, needs: [check.false] }
  - { id: after_no, type: echo, needs: [no] }
  - { id: merge, type: echo, needs: [yes, no] }
`));
    const state = await h.start({ n: 3 });
    expect(h.statusOf(state)).toEqual({ check: 'completed', yes: 'completed', no: 'skipped', after_no: 'skipped', merge: 'completed' });
    expect(state.steps.get('check')).toMatchObject({ port: 'true', output: { result: true } });
  });

  it('skips a step whose `if` is false, and what depends only on it', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: a, type: echo, if: "1 > 2" }\n  - { id: b, type: echo, needs: [a] }\n`));
    const state = await h.start();
    expect(h.statusOf(state)).toEqual({ a: 'skipped', b: 'skipped' });
    expect(state.status).toBe('completed');
  });

  it('join any: the first branch wins and the running loser is cancelled', async () => {
    const h = new Harness(planOf(`steps:
  - { id: fast, type: echo }
  - { id: slow, type: wait }
  - { id: first, type: join, needs: [fast, slow], with: { mode: any } }
  - { id: after, type: echo, needs: [first] }
`));
    const state = await h.start();
    expect(h.statusOf(state)).toEqual({ fast: 'completed', slow: 'cancelled', first: 'completed', after: 'completed' });
  });

  it('join n_of_m waits for the count, and is skipped when the count became impossible', async () => {
    const h = new Harness(planOf(`steps:
  - { id: a, type: echo }
  - { id: b, type: echo, if: "false" }
  - { id: c, type: echo }
  - { id: two, type: join, needs: [a, b, c], with: { mode: n_of_m, count: 2 } }
  - { id: three, type: join, needs: [a, b, c], with: { mode: n_of_m, count: 3 } }
`));
    const state = await h.start();
    expect(h.statusOf(state)).toMatchObject({ two: 'completed', three: 'skipped' });
  });

  it('retries with backoff, keeping one idempotency key across attempts', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: flaky, type: fail, with: { times: 2 }, retry: { attempts: 3, backoff: exponential, initial: 1ms, max: 5ms } }\n`));
    const state = await h.start();
    expect(state.status).toBe('completed');
    expect(h.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(new Set(h.calls.map((c) => c.key))).toEqual(new Set(['run1:flaky']));
    const failed = h.journal.events.filter((e) => e.type === 'step.failed');
    expect(failed).toHaveLength(2);
    expect(failed.every((e) => e.type === 'step.failed' && e.retryAt)).toBe(true);
  });

  it('does not retry an error that says it is not retryable', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: x, type: fail, with: { retryable: false }, retry: { attempts: 5, initial: 1ms } }\n`));
    const state = await h.start();
    expect(state.status).toBe('failed');
    expect(h.calls).toHaveLength(1);
  });

  it('on_failure stop fails the run, aborts running siblings and skips what had not started', async () => {
    const h = new Harness(planOf(`steps:
  - { id: bad, type: fail }
  - { id: busy, type: wait }
  - { id: later, type: echo, needs: [busy] }
`));
    const state = await h.start();
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ code: 'BOOM' });
    expect(h.statusOf(state)).toEqual({ bad: 'failed', busy: 'cancelled', later: 'skipped' });
  });

  it('on_failure continue lets downstream steps run', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: bad, type: fail, on_failure: continue }\n  - { id: next, type: echo, needs: [bad], with: { value: "\${{ steps.bad.status }}" } }\n`));
    const state = await h.start();
    expect(state.status).toBe('completed');
    expect(h.calls.find((c) => c.step === 'next')?.config.value).toBe('failed');
  });

  it('pause stops new steps from starting; resume continues where the run stood', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: a, type: wait }\n  - { id: b, type: echo, needs: [a] }\n`));
    const done = h.start();
    await h.until(() => h.running === 1);
    await h.executor.pause('tester');
    await h.release('a');
    await h.until(() => h.executor.current.steps.get('a')?.status === 'completed');
    expect(h.executor.current.status).toBe('paused');
    expect(h.calls.map((c) => c.step)).toEqual(['a']);
    await h.executor.resume('tester');
    expect((await done).status).toBe('completed');
    expect(h.calls.map((c) => c.step)).toEqual(['a', 'b']);
  });

  it('cancel aborts running steps and ends the run cancelled', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: a, type: wait }\n  - { id: b, type: echo, needs: [a] }\n`));
    const done = h.start();
    await h.until(() => h.running === 1);
    await h.executor.cancel('tester', 'no longer needed');
    const state = await done;
    expect(state.status).toBe('cancelled');
    expect(h.statusOf(state)).toEqual({ a: 'cancelled', b: 'cancelled' });
  });

  it('stops acting on a run whose journal refuses writes (lost lease), leaving it to recovery', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: a, type: echo }\n  - { id: b, type: echo, needs: [a] }\n`));
    h.journal.failAfter = 1;
    await expect(h.start()).rejects.toThrow('lease lost');
    expect(h.calls.map((c) => c.step)).toEqual(['a']);
    expect(h.types()).toEqual(['run.created', 'run.started', 'step.started:a']);
  });

  it('recovers after a crash: completed steps are reused, in-flight ones run again with the next attempt', async () => {
    const plan = planOf(`steps:\n  - { id: a, type: echo }\n  - { id: b, type: echo, needs: [a] }\n  - { id: c, type: echo, needs: [b] }\n`);
    const journal = [
      { type: 'run.created', versionId: 'v1', inputs: {}, vars: {} },
      { type: 'run.started' },
      { type: 'step.started', step: 'a', iteration: '', attempt: 1 },
      { type: 'step.completed', step: 'a', iteration: '', attempt: 1, output: { value: 'A' }, port: 'out' },
      { type: 'step.started', step: 'b', iteration: '', attempt: 1 },
    ] as const;
    const h = new Harness(plan);
    const state = await h.start({}, { initial: [...journal], recovering: true });
    expect(state.status).toBe('completed');
    expect(h.calls.map((c) => [c.step, c.attempt])).toEqual([['b', 2], ['c', 1]]);
    expect(state.steps.get('a')?.output).toEqual({ value: 'A' });
  });

  it('marks an in-flight at_most_once step crashed instead of running it again', async () => {
    const plan = planOf(`steps:\n  - { id: charge, type: echo, delivery: at_most_once }\n  - { id: after, type: echo, needs: [charge] }\n`);
    const h = new Harness(plan);
    const state = await h.start({}, {
      recovering: true,
      initial: [{ type: 'run.created', versionId: 'v1', inputs: {}, vars: {} }, { type: 'run.started' }, { type: 'step.started', step: 'charge', iteration: '', attempt: 1 }],
    });
    expect(h.calls).toEqual([]);
    expect(state.status).toBe('failed');
    expect(h.statusOf(state)).toEqual({ charge: 'crashed', after: 'skipped' });
  });

  it('fails a step whose templates cannot be rendered, with a clear error', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: a, type: echo }\n  - { id: b, type: echo, needs: [a], with: { value: "\${{ steps.a.outputs.nope }}" } }\n`));
    const state = await h.start();
    expect(state.status).toBe('failed');
    expect(state.steps.get('b')?.error?.message).toContain('with.value');
  });
});

describe('step records', () => {
  it('records the config each attempt ran with, templates rendered', async () => {
    const h = new Harness(planOf(`steps:\n  - { id: a, type: echo, with: { value: 2 } }\n  - { id: b, type: echo, needs: [a], with: { value: "\${{ steps.a.outputs.value * 21 }}" } }\n`));
    const state = await h.start();
    expect(state.steps.get('b')?.input).toEqual({ value: 42 });
    expect(h.journal.events.find((e) => e.type === 'step.completed' && e.step === 'b')).toMatchObject({ input: { value: 42 } });
  });

  it('refuses an output over 1 MiB with a hint, and summarises an oversized input', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    const h = new Harness(planOf(`inputs:\n  blob: { type: string }\nsteps:\n  - { id: a, type: echo, with: { value: "\${{ inputs.blob }}" } }\n`));
    const state = await h.start({ blob: big });
    expect(state.status).toBe('failed');
    expect(state.steps.get('a')?.error).toMatchObject({ code: 'OUTPUT_TOO_LARGE', retryable: false });
    expect(state.steps.get('a')?.error?.message).toContain("run's workspace");
    expect(state.steps.get('a')?.input).toEqual({ truncated: true, bytes: big.length + 12 });
  });
});

describe('planning', () => {
  it('refuses, before anything runs, a workflow with a step type the engine cannot run', () => {
    const loaded = loadWorkflowYaml('apiVersion: switchyard/v1\nid: t\nname: T\nsteps:\n  - { id: later, type: delay, with: { duration: 1s } }\n', registry);
    expect(() => buildPlan(loaded.workflow!, registry, (def) => def.type !== 'delay')).toThrow(/Step "later" is a .* step, which this version of the engine cannot run yet/);
  });

  it('plans a sub-workflow step like an action step: the server runs the child', () => {
    const plan = planOf(`steps:\n  - id: child\n    type: subworkflow\n    with: { workflow: other }\n`);
    expect(plan.nodes.get('child')?.def.type).toBe('subworkflow');
  });
});
