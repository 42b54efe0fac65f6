import { describe, expect, it } from 'vitest';
import type { Step } from '../../../../engine/format/schema.ts';
import { codes, sh, validate, wf } from './fixtures.ts';

const complex = () => wf([
  { id: 'check', type: 'condition', phase: 'validate', with: { if: 'inputs.confidence > 0.8 && vars.region == "eu"' } },
  { id: 'fork', type: 'parallel', needs: ['check.true'] },
  sh('build_linux', { needs: ['fork'], phase: 'build', outputs: { tag: '${{ steps.build_linux.outputs.stdout }}' }, with: { run: 'make linux ${{ inputs.plan_id }}', timeout_s: '${{ inputs.timeout }}' } }),
  sh('build_macos', { needs: ['fork'], phase: 'build', compensate: 'cleanup', with: { run: 'make macos', env: { PLAN: '${{ inputs.plan_id }}', RUN: '${{ run.id }}' } } }),
  { id: 'first_build', type: 'join', needs: ['build_linux', 'build_macos'], with: { mode: 'any' } },
  {
    id: 'approve', type: 'gate', needs: ['first_build'], phase: 'approval',
    with: { message: 'Ship ${{ inputs.plan_id }} (${{ steps.build_linux.outputs.tag }})?', approvers: ['role:runner', 'user:ada@example.com'], quorum: 1, timeout: '4h', on_timeout: 'escalate', escalate_to: ['role:owner'] },
  },
  {
    id: 'deploy_each', type: 'loop', needs: ['approve.approved'], phase: 'production', on_failure: 'compensate',
    with: { over: '${{ vars.regions }}', parallelism: 2, max_iterations: 10 },
    steps: [
      sh('deploy', { compensate: 'undeploy', with: { run: './deploy.sh ${{ loop.item }} ${{ steps.build_linux.outputs.tag }} ${{ secrets.token }}' } }),
      sh('smoke', { needs: ['deploy'], if: 'steps.deploy.outputs.exit_code == 0 && loop.index < 5', with: { run: 'curl ${{ loop.item }}' } }),
      sh('undeploy', { with: { run: './undeploy.sh ${{ loop.item }}' } }),
    ],
  },
  {
    id: 'fix_until_green', type: 'loop', needs: ['deploy_each'],
    with: { until: 'steps.retest.outputs.exit_code == 0', max_iterations: 3 },
    outputs: { passed: '${{ steps.retest.outputs.exit_code == 0 }}' },
    steps: [sh('patch'), sh('retest', { needs: ['patch'], with: { run: 'npm test # ${{ loop.iteration }}' } })],
  },
  sh('report', { needs: ['fix_until_green'], with: { run: 'echo ${{ steps.fix_until_green.outputs.passed }} ${{ steps.smoke.outputs.code }} ${{ steps.patch.outputs.diff }}' } }),
  sh('too_risky', { needs: ['check.false'], with: { run: 'notify "${{ inputs.plan_id }} below the bar"' } }),
  sh('rejected', { needs: ['approve.rejected'] }),
  sh('cleanup'),
], {
  inputs: {
    plan_id: { type: 'string', required: true },
    confidence: { type: 'number', default: 0.9, min: 0, max: 1 },
    timeout: { type: 'number', default: 60, integer: true },
    env: { type: 'enum', values: ['staging', 'production'], default: 'staging' },
  },
  vars: { region: 'eu', regions: ['eu-1', 'eu-2'], image: 'app:${{ inputs.plan_id }}' },
  phases: ['validate', 'build', 'approval', 'production'],
  concurrency: { group: 'deploy-${{ inputs.env }}-${{ vars.region }}', mode: 'queue' },
  triggers: [
    { type: 'manual' },
    { type: 'schedule', id: 'nightly', cron: '0 3 * * 1-5', timezone: 'Europe/Berlin', inputs: { plan_id: 'nightly-${{ trigger.scheduled_at }}' } },
    { type: 'webhook', id: 'github', signature: 'github', inputs: { plan_id: '${{ trigger.body.plan }}' } },
    { type: 'event', event: 'plan_validated', if: 'event.plan.confidence > 0.8', inputs: { plan_id: '${{ event.plan.id }}' } },
  ],
  layout: { nodes: { check: { x: 0, y: 0 }, deploy: { x: 10, y: 10 } } },
});

describe('validateWorkflow', () => {
  it('finds nothing wrong with a valid workflow using every construct', () => {
    expect(validate(complex())).toEqual([]);
  });

  it('reports all problems at once', () => {
    const w = wf([
      sh('a', { needs: ['b'] }),
      sh('b', { needs: ['a'] }),
      { id: 'check', type: 'condition', with: { if: 'inputs.x >' } },
      sh('go', { needs: ['check', 'ghost'] }),
      { id: 'approve', type: 'gate', with: { message: 'ok?', approvers: ['role:runner'] } },
      { id: 'loop', type: 'loop', with: { until: 'true' }, steps: [sh('inner')] },
      { id: 'bad', type: 'nope' },
      sh('a'),
    ], { phases: ['x', 'x'] });
    const found = codes(validate(w));
    for (const code of ['CYCLE', 'EXPR_SYNTAX', 'PORT_REQUIRED', 'UNKNOWN_DEPENDENCY', 'GATE_NO_TIMEOUT', 'LOOP_NO_MAX_ITERATIONS', 'UNKNOWN_NODE_TYPE', 'DUPLICATE_STEP_ID', 'DUPLICATE_PHASE']) {
      expect(found).toContain(code);
    }
    expect(found.length).toBeGreaterThanOrEqual(9);
  });

  it('does not report the same problem twice (gate config issues become GATE_* codes)', () => {
    const ds = validate(wf([{ id: 'approve', type: 'gate', with: { message: 'ok?' } }]));
    expect(codes(ds).sort()).toEqual(['GATE_NO_APPROVERS', 'GATE_NO_TIMEOUT']);
  });
});

describe('config', () => {
  it('accepts a single ${{ }} template where a number, boolean or enum is expected', () => {
    const ds = validate(wf([
      sh('a', { with: { run: 'x', timeout_s: '${{ inputs.n }}', shell: '${{ inputs.flag }}' } }),
      { id: 'fetch', type: 'http', version: 2, with: { url: '${{ vars.url }}', method: '${{ vars.method }}', retries: '${{ inputs.n }}' } },
    ], { inputs: { n: { type: 'number' }, flag: { type: 'boolean' } }, vars: { url: 'https://x', method: 'GET' } }));
    expect(ds).toEqual([]);
  });

  it('still runs cross-field rules when a field is a template', () => {
    const ds = validate(wf([{ id: 'l', type: 'loop', with: { max_iterations: '${{ inputs.n }}' }, steps: [sh('x')] }], { inputs: { n: { type: 'number' } } }));
    expect(ds.map((d) => [d.code, d.message])).toEqual([['INVALID_CONFIG', 'Step l (loop) has an invalid config: a loop needs exactly one of `over` or `until`.']]);
    expect(ds[0]!.path).toEqual(['steps', 0, 'with']);
  });

  it('reports a type error for text around a template in a number field', () => {
    const ds = validate(wf([sh('a', { with: { run: 'x', timeout_s: '${{ inputs.n }}s' } })], { inputs: { n: { type: 'number' } } }));
    expect(codes(ds)).toEqual(['INVALID_CONFIG']);
    expect(ds[0]!.path).toEqual(['steps', 0, 'with', 'timeout_s']);
  });

  it('does not check the content of a string that holds a template', () => {
    expect(validate(wf([{ id: 'f', type: 'http', version: 2, with: { url: '${{ vars.scheme }}://example.com' } }], { vars: { scheme: 'https' } }))).toEqual([]);
  });

  it('migrates old configs before checking them, and says so in the hint', () => {
    expect(validate(wf([{ id: 'f', type: 'http', with: { uri: 'https://example.com' } }]))).toEqual([]);
    const ds = validate(wf([{ id: 'f', type: 'http', with: { uri: 'ftp://example.com' } }]));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'INVALID_CONFIG', path: ['steps', 0, 'with', 'url'], stepId: 'f' });
    expect(ds[0]!.message).toContain('must start with http:// or https://');
    expect(ds[0]!.hint).toContain('migration from version 1 to 2');
  });

  it('reports one diagnostic per zod issue', () => {
    const ds = validate(wf([sh('a', { with: { run: '', timeout_s: 0, extra: 1 } })]));
    expect(ds.map((d) => d.path)).toEqual([
      ['steps', 0, 'with', 'run'],
      ['steps', 0, 'with', 'timeout_s'],
      ['steps', 0, 'with', 'extra'],
    ]);
  });

  it('does not check the config of an unknown type or a too-new version', () => {
    expect(codes(validate(wf([{ id: 'a', type: 'nope', with: { anything: 1 } }])))).toEqual(['UNKNOWN_NODE_TYPE']);
    expect(codes(validate(wf([{ id: 'a', type: 'http', version: 9, with: { anything: 1 } }])))).toEqual(['NODE_VERSION_TOO_NEW']);
  });

  it('reports a join n_of_m without count once, under its own code', () => {
    const ds = validate(wf([sh('a'), sh('b'), { id: 'j', type: 'join', needs: ['a', 'b'], with: { mode: 'n_of_m' } }]));
    expect(codes(ds)).toEqual(['JOIN_IMPOSSIBLE_COUNT']);
    expect(ds[0]!.message).toContain('count');
  });

  it('reports a join count below 1 under its own code only', () => {
    const ds = validate(wf([sh('a'), sh('b'), { id: 'j', type: 'join', needs: ['a', 'b'], with: { mode: 'n_of_m', count: 0 } }]));
    expect(codes(ds)).toEqual(['JOIN_IMPOSSIBLE_COUNT']);
    expect(ds[0]!.message).toContain('at least 1');
  });

  it('reports an empty gate approver list under its own code only', () => {
    const ds = validate(wf([{ id: 'g', type: 'gate', with: { message: 'ok?', approvers: [], timeout: '1h' } }]));
    expect(codes(ds)).toEqual(['GATE_NO_APPROVERS']);
  });
});

describe('needs and the graph', () => {
  it('accepts a port-less need on a single-output step and a port need on a multi-output one', () => {
    expect(validate(wf([sh('a'), sh('b', { needs: ['a', 'a.out'] })]))).toEqual([]);
  });

  it('reports each distinct cycle once, at its first step', () => {
    const ds = validate(wf([
      sh('a', { needs: ['b'] }), sh('b', { needs: ['a'] }),
      sh('c', { needs: ['e'] }), sh('d', { needs: ['c'] }), sh('e', { needs: ['d'] }),
    ]));
    const cycles = ds.filter((d) => d.code === 'CYCLE');
    expect(cycles.map((d) => d.stepId)).toEqual(['a', 'c']);
    expect(cycles[0]!.message).toContain('a → b → a');
    expect(cycles[1]!.message).toContain('c → d → e → c');
  });

  it('names the steps caught in a knot of several cycles', () => {
    const ds = validate(wf([sh('a', { needs: ['b', 'c'] }), sh('b', { needs: ['a'] }), sh('c', { needs: ['b'] })]));
    const cycles = ds.filter((d) => d.code === 'CYCLE');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.message).toContain('a → b → a');
    expect(cycles[0]!.message).toContain('"c"');
  });

  it('finds cycles inside loop bodies, with body paths', () => {
    const ds = validate(wf([{ id: 'l', type: 'loop', with: { until: 'true', max_iterations: 2 }, steps: [sh('x', { needs: ['y'] }), sh('y', { needs: ['x'] })] }]));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'CYCLE', path: ['steps', 0, 'steps', 0, 'needs', 0], stepId: 'x' });
  });

  it('does not mark a join (mode any) unreachable when another branch can complete', () => {
    const ds = validate(wf([
      sh('a', { needs: ['b'] }), sh('b', { needs: ['a'] }), sh('ok'),
      { id: 'j', type: 'join', needs: ['a', 'ok'], with: { mode: 'any' } },
      { id: 'k', type: 'join', needs: ['a', 'ok'], with: { mode: 'all' } },
      sh('after_k', { needs: ['k'] }),
    ]));
    expect(ds.filter((d) => d.code === 'UNREACHABLE_STEP').map((d) => d.stepId)).toEqual(['k', 'after_k']);
  });
});

describe('expressions', () => {
  const loopStep = (body: Step[], more: Partial<Step> = {}): Step => ({ id: 'each', type: 'loop', with: { over: '${{ vars.items }}', max_iterations: 5 }, steps: body, ...more });

  it('lets body steps read upstream steps of their loop, and loop.*', () => {
    const ds = validate(wf([sh('build'), loopStep([sh('use', { with: { run: '${{ loop.item }} ${{ steps.build.outputs.x }}' } })], { needs: ['build'] })], { vars: { items: [1] } }));
    expect(ds).toEqual([]);
  });

  it("lets a loop's until and outputs read its own body, and later steps read a finished loop's body", () => {
    const ds = validate(wf([
      { id: 'fix', type: 'loop', with: { until: 'steps.test.outputs.ok && loop.index < 3', max_iterations: 3 }, outputs: { ok: '${{ steps.test.outputs.ok }}' }, steps: [sh('test')] },
      sh('after', { needs: ['fix'], if: 'steps.test.outputs.ok' }),
    ]));
    expect(ds).toEqual([]);
  });

  it("does not let a loop's over read its own body", () => {
    const ds = validate(wf([{ id: 'each', type: 'loop', with: { over: '${{ steps.inner.outputs.list }}', max_iterations: 5 }, steps: [sh('inner')] }]));
    expect(codes(ds)).toEqual(['STEP_NOT_UPSTREAM']);
  });

  it('reports a step reading itself before it ran, but not in its outputs', () => {
    const ds = validate(wf([sh('a', { if: 'steps.a.outputs.x', outputs: { y: '${{ steps.a.outputs.x }}' } })]));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'STEP_NOT_UPSTREAM', path: ['steps', 0, 'if'] });
    expect(ds[0]!.message).toContain('a itself');
  });

  it('follows needs transitively, through ports', () => {
    const ds = validate(wf([
      sh('a'), { id: 'check', type: 'condition', needs: ['a'], with: { if: 'steps.a.outputs.ok' } },
      sh('b', { needs: ['check.true'], with: { run: '${{ steps.a.outputs.x }} ${{ steps.check.outputs.result }}' } }),
    ]));
    expect(ds).toEqual([]);
  });

  it('reads a loop body step from outside only after the loop', () => {
    const ds = validate(wf([loopStep([sh('inner')]), sh('before', { with: { run: '${{ steps.inner.outputs.x }}' } })], { vars: { items: [1] } }));
    expect(codes(ds)).toEqual(['STEP_NOT_UPSTREAM']);
    expect(ds[0]!.hint).toContain('each (the loop holding inner)');
  });

  it('accepts a condition written as a ${{ }} template', () => {
    expect(validate(wf([{ id: 'c', type: 'condition', with: { if: '${{ inputs.x > 1 }}' } }], { inputs: { x: { type: 'number' } } }))).toEqual([]);
  });

  it('skips the upstream check for computed step access', () => {
    expect(validate(wf([sh('a', { if: 'steps[vars.which].outputs.ok' })], { vars: { which: 'a' } }))).toEqual([]);
  });

  it('checks roots by place: secrets not in the concurrency group, trigger in webhook inputs', () => {
    const ds = validate(wf([sh('a')], {
      concurrency: { group: '${{ secrets.x }}' },
      triggers: [{ type: 'webhook', id: 'hook', inputs: { x: '${{ trigger.body.x }}', y: '${{ inputs.x }}' } }],
    }));
    expect(ds.map((d) => [d.code, d.path])).toEqual([
      ['EXPR_UNKNOWN_IDENTIFIER', ['concurrency', 'group']],
      ['EXPR_UNKNOWN_IDENTIFIER', ['triggers', 0, 'inputs', 'y']],
    ]);
  });

  it('reports references inside nested config values with their full path', () => {
    const ds = validate(wf([sh('a', { with: { run: 'x', env: { TOKEN: '${{ vars.tokn }}' } } })], { vars: { token: 't' } }));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'UNKNOWN_VAR', path: ['steps', 0, 'with', 'env', 'TOKEN'], stepId: 'a' });
  });
});
