// Runs `run` with bash, sh or node in the run's workspace, through ctx.exec (so cancel and
// timeout kill the whole process tree). Exit 0 succeeds; anything else is a retryable
// SCRIPT_FAILED. Outputs: see outputs.ts.
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { defineRunner } from '../../engine/nodes/define-node.ts';
import definition from './definition.ts';
import { lastLine, parseObject, parseOutputMarkers, tail, workspacePath } from './outputs.ts';

/** What outputs keep of stdout and stderr: they are journaled and visible to later steps. */
const OUTPUT_TAIL = 16 * 1024;

const INTERPRETERS = {
  // -e and pipefail: a failing command fails the step, as in CI systems.
  bash: (script: string) => ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script]],
  sh: (script: string) => ['sh', ['-e', '-c', script]],
  node: (script: string) => ['node', ['-e', script]],
} as const satisfies Record<string, (script: string) => readonly [string, string[]]>;

const fail = (code: string, message: string, retryable: boolean, details?: Record<string, unknown>) => ({ code, message, retryable, ...(details ? { details } : {}) });

export default defineRunner(definition, async (ctx, config) => {
  const cwd = workspacePath(ctx.workspace, config.cwd);
  if (!cwd) throw fail('INVALID_CWD', `cwd "${config.cwd}" must be a relative path inside the run's workspace.`, false, { cwd: config.cwd });

  // The outputs file lives in the workspace (ctx's own directory); one per step instance and
  // attempt, so parallel loop iterations and retries never read each other's.
  const outputsFile = path.join(ctx.workspace, '.switchyard', 'outputs', `${ctx.idempotencyKey.replace(/[^A-Za-z0-9_-]/g, '_')}.${ctx.attempt}.json`);
  await mkdir(path.dirname(outputsFile), { recursive: true });
  await rm(outputsFile, { force: true });

  const [command, args] = INTERPRETERS[config.shell](config.run);
  const result = await ctx.exec(command, args, {
    cwd,
    stdin: config.stdin,
    env: { ...config.env, SWITCHYARD_OUTPUTS: outputsFile, SWITCHYARD_WORKSPACE: ctx.workspace, SWITCHYARD_RUN_ID: ctx.runId, SWITCHYARD_STEP_ID: ctx.stepId, SWITCHYARD_ATTEMPT: String(ctx.attempt) },
  });

  const fromFile = await readOutputsFile(outputsFile);
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
    const last = lastLine(result.stderr);
    throw fail('SCRIPT_FAILED', `The ${config.shell} script ${how}${last ? `: ${last}` : ''}`, true, { exitCode: result.exitCode, signal: result.signal, stderr: tail(result.stderr, 2048) });
  }
  const markers = parseOutputMarkers(result.stdout);
  if (markers.errors.length) throw fail('INVALID_OUTPUTS', `Bad ::set-output line(s): ${markers.errors.join('; ')}`, false);
  if (typeof fromFile === 'string') throw fail('INVALID_OUTPUTS', `$SWITCHYARD_OUTPUTS must hold a JSON object: ${fromFile}.`, false);

  return {
    ...markers.outputs,
    ...fromFile,
    exitCode: result.exitCode,
    stdout: tail(result.stdout, OUTPUT_TAIL),
    stderr: tail(result.stderr, OUTPUT_TAIL),
    summary: `exit 0 in ${(result.durationMs / 1000).toFixed(1)} s`,
  };
});

/** The file's object ({} when the script wrote none), or why it is not one. */
async function readOutputsFile(file: string): Promise<Record<string, unknown> | string> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  await rm(file, { force: true });
  return text === undefined || text.trim() === '' ? {} : parseObject(text);
}
