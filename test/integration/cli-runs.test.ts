// `switchyard run | runs | resume | cancel` as real processes: in-process engines on a shared
// data directory, and against a running server (--server). Workflows here use control nodes
// only (delays, conditions, gates), which need no step runners.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/server-process.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

const bin = path.join(repoRoot, 'server/cli/switchyard.mjs');

const HELLO = `apiVersion: switchyard/v1
id: hello
name: Hello
inputs:
  n: { type: number, default: 3 }
steps:
  - { id: settle, type: delay, with: { duration: 50ms } }
  - { id: big, type: condition, needs: [settle], with: { if: "inputs.n > 2" } }
  - { id: shout, type: delay, needs: [big.true], with: { duration: 10ms } }
  - { id: whisper, type: delay, needs: [big.false], with: { duration: 10ms } }
`;
const IMPATIENT = `apiVersion: switchyard/v1
id: impatient
name: Impatient
steps:
  - id: approve
    type: gate
    with: { message: ship?, approvers: ["role:runner"], timeout: 100ms, on_timeout: cancel }
`;
const NAP = `apiVersion: switchyard/v1
id: nap
name: Nap
steps:
  - { id: doze, type: delay, with: { duration: 2s } }
  - { id: wake, type: condition, needs: [doze], with: { if: "true" } }
`;
const SLOW = `apiVersion: switchyard/v1
id: slow
name: Slow
steps:
  - { id: nap, type: delay, with: { duration: 1h } }
`;

describe('switchyard run, runs, cancel', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[]): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env });

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-cli-'));
    env = { ...process.env, DATA_DIR: path.join(dir, 'data'), NO_COLOR: '1', LOG_LEVEL: 'error' };
    for (const [name, text] of [['hello.yaml', HELLO], ['impatient.yaml', IMPATIENT], ['slow.yaml', SLOW], ['nap.yaml', NAP], ['broken.yaml', 'apiVersion: switchyard/v1\nid: broken\nname: Broken\nsteps:\n  - id: a\n    type: teleport\n']]) {
      writeFileSync(path.join(dir, name!), text!);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a file to completion, showing each step, and exits 0', () => {
    const r = cli(['run', 'hello.yaml', '--input', 'n=5']);
    expect(r.stderr).toMatch(/hello #1 completed in/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^✓ settle {2}completed \d+ms$/m);
    expect(r.stdout).toMatch(/^– whisper {2}skipped {2}branch$/m);
    expect(r.stdout).toMatch(/^✓ shout {2}completed/m);
    expect(r.stdout).not.toContain('\x1b['); // not a terminal: no escape codes
  });

  it('runs a saved workflow by id; an unchanged file reuses its version', () => {
    expect(cli(['run', 'hello']).status).toBe(0);
    expect(cli(['run', 'hello.yaml', '-i', 'n=1']).stdout).toMatch(/^– shout {2}skipped/m);
    const runs = JSON.parse(cli(['runs', '--workflow', 'hello', '--json']).stdout) as { number: number; status: string }[];
    expect(runs.map((r) => [r.number, r.status])).toEqual([[3, 'completed'], [2, 'completed'], [1, 'completed']]);
    const table = cli(['runs']).stdout;
    expect(table).toMatch(/^# +RUN +WORKFLOW +STATUS +STARTED +DURATION$/m);
    expect(table).toMatch(/^3 +\S+ +hello +completed/m);
  });

  it('runs a file whose steps use a node type from NODE_DIRS', () => {
    writeFileSync(path.join(dir, 'bump.yaml'), 'apiVersion: switchyard/v1\nid: bump\nname: Bump\nsteps:\n  - { id: next, type: semver-bump, with: { current: 1.4.2, bump: major } }\n');
    const r = spawnSync(process.execPath, [bin, 'run', 'bump.yaml'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...env, NODE_DIRS: path.join(repoRoot, 'examples/nodes') } });
    expect(r.stderr).toMatch(/bump #1 completed/);
    expect(r.stdout).toMatch(/^✓ next {2}completed .*1\.4\.2 → 2\.0\.0/m);
    expect(r.status).toBe(0);
  });

  it('exits 1 when the run does not complete', () => {
    const r = cli(['run', 'impatient.yaml']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/impatient #1 cancelled/);
  });

  it('exits 2 on bad input, saying what is wrong and how to fix it', () => {
    const badInput = cli(['run', 'hello.yaml', '--input', 'n=lots']);
    expect(badInput.status).toBe(2);
    expect(badInput.stderr).toContain("The run's inputs are not valid: n:");
    const broken = cli(['run', 'broken.yaml']);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml:6:\d+: error UNKNOWN_NODE_TYPE/);
    expect(broken.stderr).toContain('switchyard validate broken.yaml');
    expect(cli(['run', 'no-such-workflow']).status).toBe(2);
    expect(cli(['run', 'missing.yaml']).stderr).toContain('no such file');
    expect(cli(['run', 'hello.yaml', '--input', 'oops']).stderr).toContain('key=value');
  });

  it('cancels, from another process, a run that a running `switchyard run` executes', async () => {
    const runner = spawn(process.execPath, [bin, 'run', 'slow.yaml'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    runner.stdout.on('data', (d) => { out += d; });
    runner.stderr.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
    try {
      const id = await waitFor(() => /\(run (\S+)\)/.exec(out)?.[1], { what: 'the run to start', timeoutMs: 30_000 });
      await waitFor(() => out.includes('⏸ nap'), { what: 'the delay to wait', timeoutMs: 30_000 });
      const cancel = cli(['cancel', id, '--reason', 'enough']);
      expect(cancel.status).toBe(0);
      expect(await exited).toBe(1);
      expect(out).toMatch(/slow #1 cancelled/);
    } finally {
      runner.kill('SIGKILL');
    }
  });
});

/** The CLI as a child process without blocking this one (which runs the server it talks to). */
function cliAsync(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('switchyard resume', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-cli-resume-'));
    writeFileSync(path.join(dir, 'nap.yaml'), NAP);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes over and finishes a run whose `switchyard run` was killed', async () => {
    const env = { ...process.env, DATA_DIR: path.join(dir, 'data'), NO_COLOR: '1', LOG_LEVEL: 'error', RUN_LEASE_MS: '1000' };
    const runner = spawn(process.execPath, [bin, 'run', 'nap.yaml'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    runner.stdout.on('data', (d) => { out += d; });
    const gone = new Promise((resolve) => runner.once('exit', resolve));
    const id = await waitFor(() => (out.includes('⏸ doze') ? /\(run (\S+)\)/.exec(out)?.[1] : undefined), { what: 'the delay to start', timeoutMs: 30_000 });
    runner.kill('SIGKILL');
    await gone;
    const resumed = await cliAsync(['resume', id], { cwd: dir, env });
    expect(resumed.stdout).toMatch(/^✓ wake/m);
    expect(resumed.status).toBe(0);
    const list = await cliAsync(['runs', '--json'], { cwd: dir, env });
    expect(JSON.parse(list.stdout)).toMatchObject([{ id, status: 'completed' }]);
  });
});

describe('switchyard run --server', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-cli-remote-'));
    writeFileSync(path.join(dir, 'hello.yaml'), HELLO);
  });
  afterAll(async () => { await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('starts and follows the run on the server, and lists it', async () => {
    const env = { ...process.env, NO_COLOR: '1', DATA_DIR: path.join(dir, 'unused') };
    const anonymous = await cliAsync(['runs', '--server', server.url], { cwd: dir, env });
    expect(anonymous.status).toBe(2);
    expect(anonymous.stderr).toContain('Sign in first');
    const r = await cliAsync(['run', 'hello.yaml', '--server', server.url, '--token', server.token!, '-i', 'n=4'], { cwd: dir, env });
    expect(r.stderr).toMatch(/hello #1 completed/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^✓ shout/m);
    const run = await server.app.context.db.run.findFirstOrThrow({ where: { workflowId: 'hello' } });
    expect(run.status).toBe('completed');
    const list = await cliAsync(['runs', '--json'], { cwd: dir, env: { ...env, SWITCHYARD_SERVER: server.url, SWITCHYARD_TOKEN: server.token } });
    expect(JSON.parse(list.stdout)).toMatchObject([{ id: run.id, workflowId: 'hello', status: 'completed' }]);
    const unreachable = await cliAsync(['runs', '--server', 'http://127.0.0.1:9'], { cwd: dir, env });
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr).toContain('cannot reach the server');
  });
});
