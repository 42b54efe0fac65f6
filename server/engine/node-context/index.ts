// Builds the NodeContext a step's runner gets: its only door to the world (see
// engine/nodes/define-node.ts). One factory per run service; it also knows every child process
// still alive, so shutdown can wait for their groups to die rather than orphan them.
import type { EventEmitter } from 'node:events';
import type { ExecOptions, ExecResult, NodeContext } from '../../../engine/nodes/define-node.ts';
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

interface Shared {
  opts: NodeContextOptions;
  killGraceMs: number;
  baseEnv: Record<string, string>;
  track(p: Promise<unknown>): void;
}

/**
 * One step attempt's ctx. A class with its methods on the prototype, and exec / artifacts
 * made on first use: most steps touch little of ctx, and building a dozen closures per step
 * was a measurable share of a trivial step's cost.
 */
class StepContext implements NodeContext {
  readonly signal: AbortSignal;
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly workspace: string;
  private execFn?: NodeContext['exec'];
  private artifactStore?: NodeContext['artifacts'];

  constructor(step: StepIdentity, private readonly out: StepLogWriter, private readonly shared: Shared) {
    this.signal = step.signal;
    this.runId = step.runId;
    this.stepId = step.stepId;
    this.attempt = step.attempt;
    this.idempotencyKey = step.idempotencyKey;
    this.workspace = step.workspace;
    // Runners pass these around detached (`child.stdout.on('data', ctx.stdout)`).
    this.log = this.log.bind(this);
    this.stdout = this.stdout.bind(this);
    this.stderr = this.stderr.bind(this);
  }

  log(line: string): void { this.out.write('log', line.endsWith('\n') ? line : `${line}\n`); }
  stdout(chunk: string | Uint8Array): void { this.out.write('stdout', chunk); }
  stderr(chunk: string | Uint8Array): void { this.out.write('stderr', chunk); }
  secret(name: string): Promise<string> { return readSecret(this.shared.opts.secrets, name); }

  exec(command: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    const { baseEnv, killGraceMs, track } = this.shared;
    this.execFn ??= createExec({ signal: this.signal, workspace: this.workspace, stdout: this.stdout, stderr: this.stderr, baseEnv, killGraceMs, track });
    return this.execFn(command, args, options);
  }

  get artifacts(): NodeContext['artifacts'] {
    return (this.artifactStore ??= createArtifacts(artifactDir(this.shared.opts.dataDir, this.runId, this.stepId)));
  }

  async emit(event: string, payload: unknown): Promise<void> {
    const e: EmittedEvent = { event, payload: structuredClone(payload), runId: this.runId, stepId: this.stepId, idempotencyKey: this.idempotencyKey, at: new Date().toISOString() };
    this.shared.opts.bus.emit('emitted', e);
  }
}

export function createNodeContexts(opts: NodeContextOptions) {
  const live = new Set<Promise<unknown>>();
  const shared: Shared = {
    opts,
    killGraceMs: opts.killGraceMs ?? 2000,
    baseEnv: opts.baseEnv ?? minimalEnv(),
    track(p) {
      const settled = p.then(() => undefined, () => undefined);
      live.add(settled);
      void settled.then(() => live.delete(settled));
    },
  };

  return {
    build(step: StepIdentity, out: StepLogWriter): NodeContext {
      return new StepContext(step, out, shared);
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
