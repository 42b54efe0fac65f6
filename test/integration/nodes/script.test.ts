// The script node on a real server with the real runners (nodes/runners.generated.ts): real
// bash, sh and node processes, their output in the step log, outputs by marker line and by
// file, failures retried, and cancel / timeout killing the whole process tree — a grandchild
// that ignores SIGTERM included.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeRunners } from '../../../nodes/runners.generated.ts';
import { useApiServer, type ApiFixture } from '../../helpers/api-fixture.ts';
import { processGone } from '../../helpers/processes.ts';
import { testRunners } from '../../helpers/test-runners.ts';
import { waitFor } from '../../helpers/wait.ts';

const wf = (id: string, steps: string) => `apiVersion: switchyard/v1\nid: ${id}\nname: ${id}\nsteps:\n${steps}`;
/** One script step `s`; `run` is indented into a YAML block scalar; `step` and `with` are more YAML lines. */
const script = (id: string, run: string, more: { step?: string; with?: string } = {}) =>
  wf(id, `  - id: s\n    type: script\n${more.step ?? ''}    with:\n${more.with ?? ''}      run: |\n${run.trim().split('\n').map((l) => `        ${l}`).join('\n')}\n`);

// A grandchild that ignores SIGTERM (ignored signals survive exec) and would hold stdout open
// forever; the script waits on it.
const TREE = `
( trap '' TERM; exec sleep 1000 ) &
echo $! > grandchild.pid
echo started
wait
`;

const workflows = {
  bash: script('bash', 'echo "hello $GREETING"\necho a warning >&2\npwd\ncat\necho "leak=${LEAK_CHECK:-none} secret=${SWITCHYARD_SECRET_API_TOKEN:-none}"',
    { with: '      stdin: "from stdin"\n      env: { GREETING: world }\n' }),
  sh: wf('sh', '  - { id: s, type: script, with: { shell: sh, run: "echo \'::set-output {\\"shell\\": \\"sh\\", \\"n\\": 1}\'\\necho \'::set-output {\\"n\\": 2}\'" } }\n'),
  node: script('node', `const fs = require('node:fs');
console.log('::set-output ' + JSON.stringify({ sum: 1 + 2 }));
fs.writeFileSync(process.env.SWITCHYARD_OUTPUTS, JSON.stringify({ fromFile: true, sum: 4 }));`, { with: '      shell: node\n' }),
  file: script('file', `echo '{"version": "1.2.3"}' > "$SWITCHYARD_OUTPUTS"`),
  'bad-marker': script('bad-marker', 'echo "::set-output not json"'),
  flaky: script('flaky', 'if [ "$SWITCHYARD_ATTEMPT" = 1 ]; then echo "first try fails" >&2; exit 3; fi\necho recovered', { step: '    retry: { attempts: 2, initial: 10ms }\n' }),
  broken: script('broken', 'echo boom >&2\nfalse\necho never'),
  dirs: wf('dirs', '  - { id: mk, type: script, with: { run: "mkdir -p sub/dir" } }\n  - { id: s, type: script, needs: [mk], with: { run: pwd, cwd: sub/dir } }\n'),
  'missing-dir': wf('missing-dir', '  - { id: s, type: script, with: { run: pwd, cwd: nowhere } }\n'),
  escape: wf('escape', '  - { id: s, type: script, with: { run: pwd, cwd: ../.. } }\n'),
  tree: script('tree', TREE),
  slow: script('slow', TREE, { step: '    timeout: 1s\n' }),
};

const workspace = (fx: ApiFixture, runId: string) => path.join(fx.server.app.context.config.dataDir, 'runs', runId, 'workspace');
const withoutHeaders = (text: string) => text.replace(/^── attempt \d+ · \S+ ──\n/gm, '');

async function finished(fx: ApiFixture, workflowId: string) {
  const { runId } = await fx.api.runs.start.mutate({ workflowId });
  await fx.server.app.context.runs.waitFor(runId);
  const run = await fx.api.runs.get.query({ runId });
  return { runId, run, step: run.steps.find((s) => s.stepId === 's')! };
}

describe('the script node', () => {
  // Set in the server's own environment (this process): scripts must not see it.
  process.env.LEAK_CHECK = 'the server environment';
  afterAll(() => { delete process.env.LEAK_CHECK; });
  const fx = useApiServer('sqlite', workflows, {
    runners: [...testRunners(), ...nodeRunners],
    env: { SWITCHYARD_SECRET_API_TOKEN: 'hunter2' },
    killGraceMs: 5_000,
  });

  it('runs bash in the workspace with env and stdin, and none of the server environment; output reaches the step log', async () => {
    const { runId, run, step } = await finished(fx, 'bash');
    expect(run.status).toBe('completed');
    const out = step.output as { stdout: string; stderr: string; exitCode: number; summary: string };
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe(`hello world\n${realpathSync(workspace(fx, runId))}\nfrom stdinleak=none secret=none\n`);
    expect(out.stderr).toBe('a warning\n');
    expect(step.summary).toMatch(/^exit 0 in \d+\.\d s$/);
    const log = await fx.api.runs.logs.query({ runId, step: 's', stream: 'stdout' });
    expect(withoutHeaders(log.text)).toBe(out.stdout);
    expect(withoutHeaders((await fx.api.runs.logs.query({ runId, step: 's', stream: 'stderr' })).text)).toBe('a warning\n');
  });

  it('merges ::set-output lines (sh), and the $SWITCHYARD_OUTPUTS file over them (node)', async () => {
    expect((await finished(fx, 'sh')).step.output).toMatchObject({ shell: 'sh', n: 2, exitCode: 0 });
    expect((await finished(fx, 'node')).step.output).toMatchObject({ sum: 4, fromFile: true, exitCode: 0 });
    expect((await finished(fx, 'file')).step.output).toMatchObject({ version: '1.2.3' });
    const bad = await finished(fx, 'bad-marker');
    expect(bad.step.error).toMatchObject({ code: 'INVALID_OUTPUTS', retryable: false });
    expect((bad.step.error as { message: string }).message).toContain('not valid JSON');
  });

  it('fails a non-zero exit with SCRIPT_FAILED and the last stderr line; the retry runs again and succeeds', async () => {
    const broken = await finished(fx, 'broken');
    expect(broken.run.status).toBe('failed');
    expect(broken.step.error).toMatchObject({ code: 'SCRIPT_FAILED', retryable: true, message: 'The bash script exited with code 1: boom' });

    const flaky = await finished(fx, 'flaky');
    expect(flaky.run.status).toBe('completed');
    expect(flaky.step).toMatchObject({ attempt: 2, output: { stdout: 'recovered\n' } });
    const logOf = async (stream: 'stdout' | 'stderr') => (await fx.api.runs.logs.query({ runId: flaky.runId, step: 's', stream })).text;
    expect(await logOf('stderr')).toMatch(/^── attempt 1 · \S+ ──\nfirst try fails\n$/);
    expect(await logOf('stdout')).toMatch(/^── attempt 2 · \S+ ──\nrecovered\n$/);
  });

  it('resolves cwd inside the workspace and refuses one that leaves it or does not exist', async () => {
    const dirs = await finished(fx, 'dirs');
    expect((dirs.step.output as { stdout: string }).stdout).toBe(`${realpathSync(path.join(workspace(fx, dirs.runId), 'sub/dir'))}\n`);
    expect((await finished(fx, 'missing-dir')).step.error).toMatchObject({ code: 'CWD_NOT_FOUND', retryable: false });
    expect((await finished(fx, 'escape')).step.error).toMatchObject({ code: 'INVALID_CWD', retryable: false });
  });

  async function grandchildOf(runId: string): Promise<number> {
    const file = path.join(workspace(fx, runId), 'grandchild.pid');
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'), { what: 'the grandchild to start' });
    return Number(readFileSync(file, 'utf8'));
  }

  it('cancel kills the whole process tree, a grandchild that ignores SIGTERM included, without waiting for the grace period', async () => {
    const { runId } = await fx.api.runs.start.mutate({ workflowId: 'tree' });
    const pid = await grandchildOf(runId);
    expect(processGone(pid)).toBe(false);
    const cancelledAt = Date.now();
    await fx.api.runs.cancel.mutate({ runId, reason: 'test' });
    await fx.server.app.context.runs.waitFor(runId);
    const run = await fx.api.runs.get.query({ runId });
    expect(run.status).toBe('cancelled');
    expect(run.steps[0]?.status).toBe('cancelled');
    await waitFor(() => processGone(pid), { what: `grandchild ${pid} to die` });
    // The direct child died of SIGTERM, and its exit took the rest of the group with it.
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
  });

  it('a step timeout kills the tree too, and fails the step with TIMEOUT', async () => {
    const { runId } = await fx.api.runs.start.mutate({ workflowId: 'slow' });
    const pid = await grandchildOf(runId);
    await fx.server.app.context.runs.waitFor(runId);
    const run = await fx.api.runs.get.query({ runId });
    expect(run.status).toBe('failed');
    expect(run.steps[0]?.error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    await waitFor(() => processGone(pid), { what: `grandchild ${pid} to die` });
  });
});
