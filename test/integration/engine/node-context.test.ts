// The NodeContext a step gets (server/engine/node-context/): through a real server for what a
// runner sees in the journal (secrets, artifacts, a missing command), and on the factory itself
// with real processes for what needs a clock or a pipe (SIGKILL after the grace period, capped
// output, shutdown waiting for process groups).
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore, createNodeContexts } from '../../../server/engine/node-context/index.ts';
import type { StepLogWriter } from '../../../server/engine/step-logs.ts';
import { useApiServer, type ApiFixture } from '../../helpers/api-fixture.ts';
import { processGone } from '../../helpers/processes.ts';
import { waitFor } from '../../helpers/wait.ts';

const probe = (id: string, config: string) => `apiVersion: switchyard/v1\nid: ${id}\nname: ${id}\nsteps:\n  - { id: s, type: probe, with: ${config} }\n`;

async function finished(fx: ApiFixture, workflowId: string) {
  const { runId } = await fx.api.runs.start.mutate({ workflowId });
  await fx.server.app.context.runs.waitFor(runId);
  const run = await fx.api.runs.get.query({ runId });
  return { runId, status: run.status, step: run.steps[0]! };
}

describe('ctx through a server', () => {
  const fx = useApiServer('sqlite', {
    secret: probe('secret', '{ secret: api-token }'),
    'no-secret': probe('no-secret', '{ secret: deploy.key }'),
    artifact: probe('artifact', '{ artifact: reports/summary.txt, text: "all good ✓" }'),
    climb: probe('climb', '{ artifact: ../../workspace/evil.txt, text: x }'),
    absolute: probe('absolute', '{ artifact: /tmp/evil.txt, text: x }'),
    'no-command': probe('no-command', '{ command: switchyard-no-such-command }'),
  }, { env: { SWITCHYARD_SECRET_API_TOKEN: 'hunter2' } });

  it('reads a secret from SWITCHYARD_SECRET_<NAME>; a missing one fails the step naming it and the variable', async () => {
    expect(await finished(fx, 'secret')).toMatchObject({ status: 'completed', step: { output: { secretLength: 7 } } });
    const missing = await finished(fx, 'no-secret');
    expect(missing.status).toBe('failed');
    expect(missing.step.error).toMatchObject({ code: 'SECRET_NOT_FOUND', retryable: false });
    expect((missing.step.error as { message: string }).message).toContain('"deploy.key"');
    expect((missing.step.error as { message: string }).message).toContain('SWITCHYARD_SECRET_DEPLOY_KEY');
  });

  it('stores artifacts under DATA_DIR/runs/<run>/artifacts/<step>/ and refuses names that leave it', async () => {
    const { runId, step } = await finished(fx, 'artifact');
    const file = path.join(fx.server.app.context.config.dataDir, 'runs', runId, 'artifacts', 's', 'reports', 'summary.txt');
    expect(step.output).toEqual({ artifact: { name: 'reports/summary.txt', path: file, bytes: Buffer.byteLength('all good ✓') } });
    expect(readFileSync(file, 'utf8')).toBe('all good ✓');
    for (const id of ['climb', 'absolute']) {
      const refused = await finished(fx, id);
      expect(refused.step.error).toMatchObject({ code: 'INVALID_ARTIFACT_NAME', retryable: false });
      expect(existsSync(path.join(fx.server.app.context.config.dataDir, 'runs', refused.runId, 'workspace', 'evil.txt'))).toBe(false);
    }
  });

  it('fails a missing program with COMMAND_NOT_FOUND naming it', async () => {
    const { step } = await finished(fx, 'no-command');
    expect(step.error).toMatchObject({ code: 'COMMAND_NOT_FOUND', retryable: false });
    expect((step.error as { message: string }).message).toContain('"switchyard-no-such-command"');
  });
});

describe('ctx.exec on the factory', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-ctx-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  function context(killGraceMs: number) {
    const logged: Record<string, string> = { stdout: '', stderr: '', log: '' };
    const out: StepLogWriter = { write: (stream, chunk) => { logged[stream] += Buffer.from(chunk).toString(); }, close: async () => undefined } as StepLogWriter;
    const contexts = createNodeContexts({ dataDir: dir, secrets: createEnvSecretStore({}), bus: new EventEmitter(), killGraceMs });
    const controller = new AbortController();
    const ctx = contexts.build({ runId: 'r1', stepId: 's', attempt: 1, idempotencyKey: 'r1:s', signal: controller.signal, workspace: dir }, out);
    return { ctx, controller, logged, contexts };
  }

  it('SIGKILLs a group whose leader ignores SIGTERM once the grace period is over, and rejects with the abort reason', async () => {
    const { ctx, controller } = context(200);
    const pidFile = path.join(dir, 'stubborn.pid');
    const running = ctx.exec('bash', ['-c', `trap '' TERM; echo $$ > ${pidFile}; while :; do sleep 0.05; done`]);
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), { what: 'the process to start' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const reason = new Error('cancelled by test');
    const abortedAt = Date.now();
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeGreaterThanOrEqual(190);
    await waitFor(() => processGone(pid), { what: `process ${pid} to die` });
  });

  it('keeps the tail of each stream up to maxBuffer, streams all of it to the log unless stream is false', async () => {
    const { ctx, logged } = context(200);
    const big = await ctx.exec('node', ['-e', 'process.stdout.write("x".repeat(5000) + "END")'], { maxBuffer: 100 });
    expect(big).toMatchObject({ exitCode: 0, signal: null, truncated: true });
    expect(big.stdout).toHaveLength(100);
    expect(big.stdout.endsWith('END')).toBe(true);
    expect(logged.stdout).toHaveLength(5003);

    const quiet = await ctx.exec('sh', ['-c', 'echo quiet; echo loud >&2; exit 4'], { stream: false });
    expect(quiet).toMatchObject({ exitCode: 4, stdout: 'quiet\n', stderr: 'loud\n', truncated: false });
    expect(logged.stdout).not.toContain('quiet');
    expect(logged.stderr).toBe('');
  });

  it('hands standard output to onStdout as text while the program runs, whole characters, uncapped', async () => {
    const { ctx } = context(200);
    const seen: string[] = [];
    // "é" split across two writes, and more output than maxBuffer keeps.
    const script = 'const b = Buffer.from("é"); process.stdout.write(b.subarray(0, 1)); setTimeout(() => { process.stdout.write(b.subarray(1)); process.stdout.write("y".repeat(3000)); }, 20);';
    const r = await ctx.exec('node', ['-e', script], { maxBuffer: 100, onStdout: (t) => seen.push(t) });
    expect(r.truncated).toBe(true);
    expect(seen.join('')).toBe(`é${'y'.repeat(3000)}`);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('does not wait for a background process left holding the pipe: it dies with the step', async () => {
    const { ctx } = context(5_000);
    const pidFile = path.join(dir, 'background.pid');
    const result = await ctx.exec('bash', ['-c', `sleep 1000 & echo $! > ${pidFile}; echo done`]);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'done\n' });
    await waitFor(() => processGone(Number(readFileSync(pidFile, 'utf8'))), { what: 'the background process to die' });
  });

  it('drain() waits for aborted process groups to die (what server shutdown awaits)', async () => {
    const { ctx, controller, contexts, logged } = context(100);
    const running = ctx.exec('bash', ['-c', `trap '' TERM; echo started; while :; do sleep 0.05; done`]).catch((e: unknown) => e);
    await waitFor(() => logged.stdout === 'started\n', { what: 'the process to start' });
    controller.abort(new Error('server shutting down'));
    await contexts.drain();
    expect(await running).toMatchObject({ message: 'server shutting down' });
  });

  it('does not start a program when the step was aborted while exec was getting ready', async () => {
    const { ctx, controller } = context(100);
    const marker = path.join(dir, 'should-not-exist');
    const running = ctx.exec('touch', [marker]);
    controller.abort(new Error('too late'));
    await expect(running).rejects.toThrow('too late');
    expect(existsSync(marker)).toBe(false);
  });
});
