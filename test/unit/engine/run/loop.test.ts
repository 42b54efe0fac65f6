// Loop containers: over a list with a parallelism limit, until a condition, bounded by
// max_iterations; every iteration's body steps are their own, visible step instances.
import { describe, expect, it } from 'vitest';
import { fold } from '../../../../engine/run/reducer.ts';
import { Harness, planOf } from './harness.ts';

describe('loops', () => {
  it('runs the body once per item, with loop.item and loop.index, and within parallelism', async () => {
    const h = new Harness(planOf(`inputs:\n  services: { type: object }\nsteps:
  - id: each
    type: loop
    with: { over: "\${{ inputs.services.names }}", parallelism: 2, max_iterations: 10 }
    steps:
      - { id: deploy, type: echo, with: { value: "\${{ loop.index }}:\${{ loop.item }}" } }
      - { id: verify, type: echo, needs: [deploy], with: { value: "\${{ steps.deploy.outputs.value }} ok" } }
  - { id: after, type: echo, needs: [each], with: { value: "\${{ steps.verify.outputs.value }}" } }
`));
    const state = await h.start({ services: { names: ['api', 'web', 'db'] } });
    expect(state.status).toBe('completed');
    expect(h.calls.filter((c) => c.step === 'verify').map((c) => c.config.value).sort()).toEqual(['0:api ok', '1:web ok', '2:db ok']);
    expect(h.maxRunning).toBeLessThanOrEqual(2);
    expect(state.steps.get('each')).toMatchObject({ status: 'completed', output: { iterations: 3 } });
    expect(state.steps.get('verify@1')).toMatchObject({ status: 'completed', iteration: '1' });
    expect(h.calls.find((c) => c.step === 'after')?.config.value).toBe('2:db ok');
    expect(new Set(h.calls.filter((c) => c.step === 'deploy').map((c) => c.key))).toEqual(new Set(['run1:deploy@0', 'run1:deploy@1', 'run1:deploy@2']));
  });

  it('repeats until the condition holds, reading that iteration\'s steps', async () => {
    const h = new Harness(planOf(`steps:
  - id: fix
    type: loop
    with: { until: "steps.qa.outputs.value == 2", max_iterations: 5 }
    steps:
      - { id: qa, type: echo, with: { value: "\${{ loop.index }}" } }
`));
    const state = await h.start();
    expect(state.status).toBe('completed');
    expect(h.calls.map((c) => c.config.value)).toEqual([0, 1, 2]);
    expect(state.steps.get('fix')?.output).toEqual({ iterations: 3 });
  });

  it('fails when until is still false after max_iterations', async () => {
    const h = new Harness(planOf(`steps:
  - id: fix
    type: loop
    with: { until: "false", max_iterations: 3 }
    steps:
      - { id: try_it, type: echo }
`));
    const state = await h.start();
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('LOOP_LIMIT');
    expect(h.calls).toHaveLength(3);
  });

  it('refuses a list longer than max_iterations before running anything', async () => {
    const h = new Harness(planOf(`steps:
  - id: each
    type: loop
    with: { over: "[1, 2, 3]", max_iterations: 2 }
    steps:
      - { id: work, type: echo }
`));
    const state = await h.start();
    expect(state.error?.code).toBe('LOOP_TOO_MANY_ITEMS');
    expect(h.calls).toEqual([]);
  });

  it('a failing body step stops the run and the loop', async () => {
    const h = new Harness(planOf(`steps:
  - id: each
    type: loop
    with: { over: "[1, 2, 3]", max_iterations: 3 }
    steps:
      - { id: work, type: fail, with: { retryable: false } }
  - { id: after, type: echo, needs: [each] }
`));
    const state = await h.start();
    expect(state.status).toBe('failed');
    expect(h.statusOf(state)).toMatchObject({ each: 'cancelled', after: 'skipped' });
  });

  it('cancelling a run cancels the loop and aborts its running body steps', async () => {
    const h = new Harness(planOf(`steps:
  - id: each
    type: loop
    with: { over: "[1, 2]", parallelism: 2, max_iterations: 2 }
    steps:
      - { id: work, type: wait }
`));
    const done = h.start();
    await h.until(() => h.running === 2);
    await h.executor.cancel();
    const state = await done;
    expect(state.status).toBe('cancelled');
    expect(state.steps.get('each')?.status).toBe('cancelled');
    expect(state.steps.get('work@0')?.status).toBe('cancelled');
    expect(fold(h.journal.events).status).toBe('cancelled');
  });

  it('recovers a loop mid-iteration: finished iterations stand, the in-flight body step runs again', async () => {
    const plan = planOf(`steps:
  - id: each
    type: loop
    with: { over: "[10, 20]", max_iterations: 2 }
    steps:
      - { id: work, type: echo, with: { value: "\${{ loop.item }}" } }
`);
    const h = new Harness(plan);
    const state = await h.start({}, {
      recovering: true,
      initial: [
        { type: 'run.created', versionId: 'v1', inputs: {}, vars: {} },
        { type: 'run.started' },
        { type: 'step.started', step: 'each', iteration: '', attempt: 1 },
        { type: 'loop.started', step: 'each', iteration: '', items: [10, 20] },
        { type: 'loop.iteration', step: 'each', iteration: '', index: 0 },
        { type: 'step.started', step: 'work', iteration: '0', attempt: 1 },
        { type: 'step.completed', step: 'work', iteration: '0', attempt: 1, output: { value: 10 }, port: 'out' },
        { type: 'loop.iteration', step: 'each', iteration: '', index: 1 },
        { type: 'step.started', step: 'work', iteration: '1', attempt: 1 },
      ],
    });
    expect(state.status).toBe('completed');
    expect(h.calls.map((c) => [c.step, c.attempt, c.config.value])).toEqual([['work', 2, 20]]);
  });
});
