// Step logs: what a step prints, kept in files beside the run — never in the journal, so a
// chatty step cannot flood it — and streamed live on the run service's bus as it is written.
//
//   DATA_DIR/runs/<runId>/steps/<stepId>[@<iteration>]/stdout.log | stderr.log | log.log
//
// stdout and stderr are the step's output streams (ctx.stdout / ctx.stderr: a script's, an
// agent CLI's); `log` holds the lines a node writes through ctx.log — a stream of its own, so
// a node's notes never interleave with a child process's stderr mid-line. The iteration of a
// loop body step ("2", or "1/0" when nested) becomes "@2" / "@1.0". Each attempt starts with
// a header line; each stream is capped (STEP_LOG_MAX_BYTES) — see step-log-writer.ts.
//
// Live: `log` bus events (LogChunk) carry the byte offset where their text starts in the file.
// A viewer reads the file with runs.logs up to `nextOffset`, then follows the events from
// there (skipping bytes it already has) without a gap or an overlap.
import type { EventEmitter } from 'node:events';
import path from 'node:path';
import { silentLogger, type Logger } from '../logger.ts';
import { readLogPage, type LogPage } from './step-log-reader.ts';
import { openAttemptLog, type LogChunk, type LogStream, type StepLogWriter } from './step-log-writer.ts';

export { LOG_STREAMS, type LogChunk, type LogStream, type StepLogWriter } from './step-log-writer.ts';
export type { LogPage } from './step-log-reader.ts';

/** Ids that may name a directory: no dots, no slashes, so no path can leave the run's folder. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const STEP_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A loop iteration: "2", or "1/0" for iteration 0 of a loop inside iteration 1. */
export const ITERATION_PATTERN = /^\d{1,9}(\/\d{1,9}){0,31}$/;

/** Thrown for an id that could not name a log directory. */
export class StepLogPathError extends Error {
  override name = 'StepLogPathError';
}

/** The step instance's log directory. */
export function stepLogDir(dataDir: string, runId: string, step: string, iteration = ''): string {
  if (!RUN_ID_PATTERN.test(runId)) throw new StepLogPathError(`run id ${JSON.stringify(runId)} must be letters, digits, "-" or "_"`);
  if (!STEP_ID_PATTERN.test(step)) throw new StepLogPathError(`step id ${JSON.stringify(step)} must be letters, digits, "-" or "_"`);
  if (iteration && !ITERATION_PATTERN.test(iteration)) throw new StepLogPathError(`iteration ${JSON.stringify(iteration)} must be a number, or numbers joined by "/" for nested loops`);
  return path.join(dataDir, 'runs', runId, 'steps', iteration ? `${step}@${iteration.replaceAll('/', '.')}` : step);
}

export interface StepLogsOptions {
  dataDir: string;
  /** Cap per stream of one step instance, in bytes. */
  maxBytes: number;
  /** Receives `log` events (LogChunk). */
  bus: EventEmitter;
  log?: Logger;
}

export function createStepLogs(opts: StepLogsOptions) {
  const open = new Set<StepLogWriter>();
  const publish = (chunk: LogChunk) => { opts.bus.emit('log', chunk); };

  return {
    /** A writer for one attempt of one step instance; files are created on its first output. */
    open(runId: string, step: string, iteration: string, attempt: number): StepLogWriter {
      const dir = stepLogDir(opts.dataDir, runId, step, iteration);
      // The writer is made on the first write: most steps print nothing, and a writer is a
      // dozen closures — a measurable share of a trivial step's cost.
      let writer: StepLogWriter | undefined;
      let closed = false;
      return {
        write(stream, chunk) {
          if (closed) return;
          if (!writer) open.add(writer = openAttemptLog({ dir, runId, step, iteration, attempt, maxBytes: opts.maxBytes, publish, log: opts.log ?? silentLogger }));
          writer.write(stream, chunk);
        },
        close() {
          closed = true;
          const w = writer;
          return w ? w.close().finally(() => open.delete(w)) : Promise.resolve();
        },
      };
    },

    /** Up to `limit` bytes of a stream from `offset`, in whole characters; no file yet is empty. */
    read(runId: string, step: string, iteration: string, stream: LogStream, offset: number, limit: number): Promise<LogPage> {
      return readLogPage(path.join(stepLogDir(opts.dataDir, runId, step, iteration), `${stream}.log`), offset, limit, opts.maxBytes);
    },

    /** Flushes and closes every open writer (shutdown: what steps printed reaches the disk). */
    async closeAll(): Promise<void> {
      await Promise.all([...open].map((w) => w.close()));
    },
  };
}

export type StepLogs = ReturnType<typeof createStepLogs>;
