// Loops inside loops, and gates inside loop bodies: every instance is keyed by the iterations
// around it ("1/0": outer iteration 1, inner 0), sees its own iteration's siblings and its
// loops' items (loop.parent for the outer one), survives recovery, and can be decided.
import { describe, expect, it } from 'vitest';
import { fold } from '../../../../engine/run/reducer.ts';
import { Harness, planOf } from './harness.ts';

const nested = `inputs:\n  matrix: { type: object }\nsteps:
  - id: regions
    type: loop
    with: { over: "\${{ inputs.matrix.regions }}", parallelism: 2, max_iterations: 5 }
    steps:
      - { id: prepare, type: echo, with: { value: "prep \${{ loop.item }}" } }
      - id: services
        type: loop
        needs: [prepare]
        with: { over: "\${{ inputs.matrix.services }}", parallelism: 2, max_iterations: 5 }
        steps:
          - { id: deploy, type: echo, with: { value: "\${{ loop.parent.item }}/\${{ loop.item }} after \${{ steps.prepare.outputs.value }}" } }
          - { id: verify, type: echo, needs: [deploy], with: { value: "\${{ steps.deploy.outputs.value }} ok" } }
  - { id: after, type: echo, needs: [regions], with: { value: "\${{ steps.verify.outputs.value }}" } }
`;

describe('nested loops', () => {
  it('runs the inner body for every outer item, each instance keyed by both iterations', async () => {
    const h = new Harness(planOf(nested));
    const state = await h.start({ matrix: { regions: ['eu', 'us'], services: ['api', 'web', 'db'] } });
    expect(state.status).toBe('completed');
    expect(h.calls.filter((c) => c.step === 'verify').map((c) => c.config.value).sort()).toEqual([
      'eu/api after prep eu ok', 'eu/db after prep eu ok', 'eu/web after prep eu ok',
      'us/api after prep us ok', 'us/db after prep us ok', 'us/web after prep us ok',
    ]);
    expect(state.steps.get('services@1')).toMatchObject({ status: 'completed', output: { iterations: 3 } });
    expect(state.steps.get('deploy@1/2')).toMatchObject({ status: 'completed', iteration: '1/2' });
    expect(state.steps.get('regions')).toMatchObject({ status: 'completed', output: { iterations: 2 } });
    // After the loops, a body step is its latest instance.
    expect(h.calls.find((c) => c.step === 'after')?.config.value).toBe('us/db after prep us ok');
    expect(new Set(h.calls.filter((c) => c.step === 'deploy').map((c) => c.key)).size).toBe(6);
    // The state rebuilt from the journal alone is the live one.
    expect(fold(h.journal.events)).toEqual(state);
  });

  it('runs an until loop inside an over loop', async () => {
    const h = new Harness(planOf(`steps:
  - id: each
    type: loop
    with: { over: "[2, 3]", max_iterations: 3 }
    steps:
      - id: retry_until
        type: loop
        with: { until: "steps.attempt.outputs.value + 1 >= loop.parent.item", max_iterations: 5 }
        steps:
          - { id: attempt, type: echo, with: { value: "\${{ loop.index }}" } }
`));
    const state = await h.start();
    expect(state.status).toBe('completed');
    expect(state.steps.get('retry_until@0')?.output).toEqual({ iterations: 2 });
    expect(state.steps.get('retry_until@1')?.output).toEqual({ iterations: 3 });
  });

  it('cancels nested instances when the run is cancelled', async () => {
    const h = new Harness(planOf(`steps:
  - id: outer
    type: loop
    with: { over: "[1, 2]", parallelism: 2, max_iterations: 2 }
    steps:
      - id: inner
        type: loop
        with: { over: "[1]", max_iterations: 1 }
        steps:
          - { id: hold, type: wait }
`));
    const done = h.start();
    await h.until(() => h.running === 2);
    await h.executor.cancel('test');
    const state = await done;
    expect(state.status).toBe('cancelled');
    expect([...state.steps.values()].filter((s) => s.status === 'running')).toEqual([]);
    expect(state.steps.get('inner@0')?.status).toBe('cancelled');
  });

  it('recovers mid-way through a nested loop: finished instances stand, the in-flight one runs again', async () => {
    const h = new Harness(planOf(nested));
    const inputs = { matrix: { regions: ['eu'], services: ['api', 'web'] } };
    const state = await h.start(inputs, {
      recovering: true,
      initial: [
        { type: 'run.created', versionId: 'v1', inputs, vars: {} },
        { type: 'run.started' },
        { type: 'step.started', step: 'regions', iteration: '', attempt: 1 },
        { type: 'loop.started', step: 'regions', iteration: '', items: ['eu'] },
        { type: 'loop.iteration', step: 'regions', iteration: '', index: 0 },
        { type: 'step.started', step: 'prepare', iteration: '0', attempt: 1 },
        { type: 'step.completed', step: 'prepare', iteration: '0', attempt: 1, output: { value: 'prep eu' }, port: 'out' },
        { type: 'step.started', step: 'services', iteration: '0', attempt: 1 },
        { type: 'loop.started', step: 'services', iteration: '0', items: ['api', 'web'] },
        { type: 'loop.iteration', step: 'services', iteration: '0', index: 0 },
        { type: 'loop.iteration', step: 'services', iteration: '0', index: 1 },
        { type: 'step.started', step: 'deploy', iteration: '0/0', attempt: 1 },
        { type: 'step.completed', step: 'deploy', iteration: '0/0', attempt: 1, output: { value: 'eu/api after prep eu' }, port: 'out' },
        { type: 'step.started', step: 'deploy', iteration: '0/1', attempt: 1 },
      ],
    });
    expect(state.status).toBe('completed');
    // deploy@0/0 completed before the crash and is not run again; deploy@0/1 was in flight.
    expect(h.calls.map((c) => `${c.step}#${c.attempt}: ${String(c.config.value)}`).sort()).toEqual([
      'after#1: eu/web after prep eu ok',
      'deploy#2: eu/web after prep eu',
      'verify#1: eu/api after prep eu ok',
      'verify#1: eu/web after prep eu ok',
    ]);
  });
});

describe('gates in loop bodies', () => {
  const plan = () => planOf(`steps:
  - id: each
    type: loop
    with: { over: "['eu', 'us']", parallelism: 2, max_iterations: 2 }
    steps:
      - { id: approve, type: gate, with: { message: "ship \${{ loop.item }}?", approvers: ["role:runner"], timeout: 1h } }
      - { id: ship, type: echo, needs: [approve.approved], with: { value: "\${{ loop.item }}" } }
`);

  it('waits per iteration and is decided per iteration', async () => {
    const h = new Harness(plan());
    const done = h.start();
    await h.until(() => h.executor.current.steps.get('approve@0')?.status === 'waiting' && h.executor.current.steps.get('approve@1')?.status === 'waiting');
    await expect(h.executor.decideGate('approve', 'approve', 'ann')).rejects.toThrow(/waiting in several loop iterations \(0, 1\): say which one/);
    await h.executor.decideGate('approve', 'approve', 'ann', 'eu is fine', '0');
    await h.until(() => h.executor.current.steps.get('ship@0')?.status === 'completed');
    // Now only one waits: it may be named or not.
    await h.executor.decideGate('approve', 'reject', 'bob', 'not us');
    const state = await done;
    expect(state.status).toBe('completed');
    expect(h.statusOf(state)).toMatchObject({ ship: 'skipped' });
    expect(state.steps.get('ship@0')?.status).toBe('completed');
    expect(state.steps.get('approve@1')?.decisions).toEqual([expect.objectContaining({ by: 'bob', decision: 'reject', comment: 'not us' })]);
    await expect(h.executor.decideGate('approve', 'approve', 'ann', undefined, '1')).rejects.toThrow(/not a gate waiting/); // decided already
  });

  it('refuses a decision for an iteration that is not waiting, saying where it waits', async () => {
    const h = new Harness(plan());
    void h.start();
    await h.until(() => h.executor.current.steps.get('approve@1')?.status === 'waiting');
    await expect(h.executor.decideGate('approve', 'approve', 'ann', undefined, '7')).rejects.toThrow(/in iteration 7 is not a gate waiting.*It waits in: 0, 1/);
    await h.executor.cancel();
  });
});
