// Builds the NodeContext a step's runner gets: its only door to the world (see
// engine/nodes/define-node.ts). One factory per run service; it also knows every child process
// still alive, so shutdown can wait for their groups to die rather than orphan them.
import type { EventEmitter } from 'node:events';
import type { NodeContext } from '../../../engine/nodes/define-node.ts';
import type { StepLogWriter } from '../step-logs.ts';
import { artifactDir, createArtifacts } from './artifacts.ts';
import { createExec } from './exec.ts';
import { readSecret, type SecretStore } from './secrets.ts';

export { createEnvSecretStore, secretEnvName, type SecretStore } from './secrets.ts';

/** Published on the run service's bus as 'emitted' by ctx.emit (for event triggers). */
export interface EmittedEvent {
  event: string;
  payload: unknown;
  runId: string;
  stepId: string;
  /** The emitting step's key: a retried or recovered step emits again with the same one. */
  idempotencyKey: string;
  at: string;
}

export interface NodeContextOptions {
  dataDir: string;
  secrets: SecretStore;
  bus: EventEmitter;
  /** Between SIGTERM and SIGKILL of a cancelled step's processes (default 2 s). */
  killGraceMs?: number;
  /** Environment every child starts from; default PATH, HOME and LANG of this process. */
  baseEnv?: Record<string, string>;
}

export interface StepIdentity {
  runId: string;
  stepId: string;
  attempt: number;
  idempotencyKey: string;
  signal: AbortSignal;
  workspace: string;
}

export function createNodeContexts(opts: NodeContextOptions) {
  const killGraceMs = opts.killGraceMs ?? 2000;
  const baseEnv = opts.baseEnv ?? minimalEnv();
  const live = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const settled = p.then(() => undefined, () => undefined);
    live.add(settled);
    void settled.then(() => live.delete(settled));
  };

  return {
    build(step: StepIdentity, out: StepLogWriter): NodeContext {
      const stdout = (chunk: string | Uint8Array) => out.write('stdout', chunk);
      const stderr = (chunk: string | Uint8Array) => out.write('stderr', chunk);
      return {
        ...step,
        log: (line) => out.write('log', line.endsWith('\n') ? line : `${line}\n`),
        stdout,
        stderr,
        secret: (name) => readSecret(opts.secrets, name),
        exec: createExec({ signal: step.signal, workspace: step.workspace, stdout, stderr, baseEnv, killGraceMs, track }),
        artifacts: createArtifacts(artifactDir(opts.dataDir, step.runId, step.stepId)),
        emit: async (event, payload) => {
          const e: EmittedEvent = { event, payload: structuredClone(payload), runId: step.runId, stepId: step.stepId, idempotencyKey: step.idempotencyKey, at: new Date().toISOString() };
          opts.bus.emit('emitted', e);
        },
      };
    },

    /**
     * Resolves when every child process has exited. Aborted steps' groups get SIGKILL after
     * the grace period, so after aborting them this is bounded by about killGraceMs.
     */
    async drain(): Promise<void> {
      while (live.size > 0) await Promise.all([...live]);
    },
  };
}

function minimalEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', LANG: process.env.LANG ?? 'C.UTF-8' };
  if (process.env.HOME) env.HOME = process.env.HOME;
  return env;
}
