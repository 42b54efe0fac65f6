// ctx.exec: a program in its own process group, so that cancel and timeout reach everything it
// started, grandchildren included.
//
// Life of one call:
//   spawned ──exit──▶ group SIGKILLed (leftover background processes die with the step)
//      │                 └─▶ pipes close ─▶ resolved with the exit status
//      └──abort──▶ SIGTERM to the group ─▶ SIGKILL after the grace period, or at once when the
//                  direct child exits ─▶ rejected with the signal's reason once the child is gone
//
// Killing the group when the direct child exits is what keeps a step from hanging on a
// grandchild that still holds the stdout pipe open.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { stat } from 'node:fs/promises';
import type { ExecOptions, ExecResult, NodeContext } from '../../../engine/nodes/define-node.ts';
import { stepError } from './errors.ts';
import { TailBuffer } from './tail-buffer.ts';

export interface ExecDeps {
  signal: AbortSignal;
  /** The default cwd: the run's workspace. */
  workspace: string;
  stdout(chunk: Uint8Array): void;
  stderr(chunk: Uint8Array): void;
  /** PATH, HOME and LANG of the child; nothing else of the server's environment. */
  baseEnv: Record<string, string>;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs: number;
  /** Told of each live child, so shutdown can wait for the groups to die. */
  track(done: Promise<unknown>): void;
}

const DEFAULT_MAX_BUFFER = 1024 * 1024;

export function createExec(deps: ExecDeps): NodeContext['exec'] {
  return async (command, args, options = {}) => {
    if (deps.signal.aborted) throw deps.signal.reason;
    const cwd = options.cwd ?? deps.workspace;
    const dir = await stat(cwd).catch(() => undefined);
    if (!dir?.isDirectory()) throw stepError('CWD_NOT_FOUND', `Cannot run ${command}: its working directory ${cwd} does not exist.`, false, { cwd });
    // Aborted while we looked: a process spawned now would never hear of it.
    if (deps.signal.aborted) throw deps.signal.reason;
    const done = run(deps, command, args, cwd, options);
    deps.track(done);
    return done;
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

function run(deps: ExecDeps, command: string, args: readonly string[], cwd: string, options: ExecOptions): Promise<ExecResult> {
  const started = Date.now();
  const max = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
  const out = new TailBuffer(max);
  const err = new TailBuffer(max);
  const stream = options.stream !== false;
  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, env: { ...deps.baseEnv, ...options.env } as NodeJS.ProcessEnv, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const onAbort = () => {
      if (child.pid === undefined) return;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), deps.killGraceMs);
    };
    const settle = () => {
      deps.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (drainTimer) clearTimeout(drainTimer);
    };

    child.on('error', (e: NodeJS.ErrnoException) => {
      settle();
      if (e.code === 'ENOENT' || e.code === 'EACCES') reject(stepError('COMMAND_NOT_FOUND', `Command "${command}" was not found or is not executable (searched PATH=${deps.baseEnv.PATH ?? ''}).`, false, { command }));
      else reject(stepError('SPAWN_FAILED', `Could not start "${command}": ${e.message}`, false, { command, errno: e.code }));
    });
    if (child.pid === undefined) return; // 'error' follows.
    deps.signal.addEventListener('abort', onAbort, { once: true });

    const live = options.onStdout ? new StringDecoder('utf8') : undefined;
    child.stdout.on('data', (c: Buffer) => { out.push(c); if (stream) deps.stdout(c); if (live) options.onStdout!(live.write(c)); });
    child.stdout.on('end', () => { const rest = live?.end(); if (rest) options.onStdout!(rest); });
    child.stderr.on('data', (c: Buffer) => { err.push(c); if (stream) deps.stderr(c); });
    // A program that never reads its stdin closes it early; writing then is not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin);

    child.on('exit', (code, signal) => {
      exit = { code, signal };
      killGroup(child.pid!, 'SIGKILL');
      // A process that left the group (setsid) may still hold the pipes: stop waiting for it.
      drainTimer = setTimeout(() => { child.stdout.destroy(); child.stderr.destroy(); }, deps.killGraceMs);
    });
    child.on('close', () => {
      settle();
      if (deps.signal.aborted) return reject(deps.signal.reason);
      resolve({
        exitCode: exit?.code ?? null, signal: exit?.signal ?? null, stdout: out.text(), stderr: err.text(),
        truncated: out.cut || err.cut, durationMs: Date.now() - started,
      });
    });
  });
}
