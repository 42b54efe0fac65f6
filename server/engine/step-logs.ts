// Step logs: what a step prints, kept in files beside the run — never in the journal, so a
// chatty step cannot flood it — and streamed live on the bus as it is written.
//
//   DATA_DIR/runs/<runId>/steps/<stepId>[@<iteration>]/stdout.log | stderr.log | log.log
//
// stdout and stderr are the step's output streams (a script's, an agent CLI's); `log` holds
// the lines a node writes through ctx.log. Each attempt starts with a header line, so retries
// stay readable in one file. Each stream of a step instance is capped (STEP_LOG_MAX_BYTES);
// at the cap one marker line is written and the rest is counted, not kept.
//
// Live: chunks are coalesced per stream (every 50 ms or 64 KiB) into `log` bus events carrying
// the byte offset where the chunk starts, so a reader can fetch the file up to an offset and
// then follow the stream without a gap or an overlap.
import type { EventEmitter } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';

export const LOG_STREAMS = ['stdout', 'stderr', 'log'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

/** A `log` bus event. */
export interface LogChunk { runId: string; step: string; iteration: string; attempt: number; stream: LogStream; offset: number; text: string }

export interface LogPage { text: string; offset: number; nextOffset: number; size: number; truncated: boolean }

const FLUSH_MS = 50;
const FLUSH_BYTES = 64 * 1024;
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SAFE_ITERATION = /^[0-9]+(\/[0-9]+)*$/;

export class StepLogPathError extends Error {
  override name = 'StepLogPathError';
}

/** The step instance's log directory; ids are checked so no path can leave the run's folder. */
export function stepLogDir(dataDir: string, runId: string, step: string, iteration = ''): string {
  if (!SAFE_ID.test(runId) || !SAFE_ID.test(step) || (iteration && !SAFE_ITERATION.test(iteration))) {
    throw new StepLogPathError(`not a valid run, step or iteration id: ${JSON.stringify({ runId, step, iteration })}`);
  }
  return path.join(dataDir, 'runs', runId, 'steps', iteration ? `${step}@${iteration.replaceAll('/', '.')}` : step);
}

interface StreamState { file: WriteStream; size: number; dropped: number; headerDone: boolean; pending: string[]; pendingBytes: number; pendingOffset: number }

export interface StepLogWriter {
  write(stream: LogStream, chunk: string | Uint8Array): void;
  /** Flushes and closes the files (the attempt ended). */
  close(): Promise<void>;
}

export function createStepLogs(opts: { dataDir: string; maxBytes: number; bus: EventEmitter }) {
  const marker = (dropped: number) => `\n… log truncated at ${opts.maxBytes} bytes (STEP_LOG_MAX_BYTES)${dropped ? `; ${dropped} more bytes dropped` : ''}\n`;

  /** A writer for one attempt of one step instance. Files are created on first write. */
  function open_(runId: string, step: string, iteration: string, attempt: number): StepLogWriter {
    const dir = stepLogDir(opts.dataDir, runId, step, iteration);
    const streams = new Map<LogStream, Promise<StreamState>>();
    let timer: NodeJS.Timeout | undefined;
    let ready: Promise<unknown> = Promise.resolve();

    const stateOf = (stream: LogStream): Promise<StreamState> => {
      let st = streams.get(stream);
      if (!st) {
        const file = path.join(dir, `${stream}.log`);
        st = (async () => {
          await mkdir(dir, { recursive: true });
          const size = await stat(file).then((s) => s.size, () => 0);
          return { file: createWriteStream(file, { flags: 'a' }), size, dropped: 0, headerDone: false, pending: [], pendingBytes: 0, pendingOffset: size };
        })();
        streams.set(stream, st);
      }
      return st;
    };

    const publish = (stream: LogStream, st: StreamState) => {
      if (!st.pending.length) return;
      opts.bus.emit('log', { runId, step, iteration, attempt, stream, offset: st.pendingOffset, text: st.pending.join('') } satisfies LogChunk);
      st.pending = [];
      st.pendingBytes = 0;
      st.pendingOffset = st.size;
    };

    const flushAll = async () => {
      if (timer) { clearTimeout(timer); timer = undefined; }
      for (const [stream, st] of streams) publish(stream, await st);
    };

    const append = (stream: LogStream, st: StreamState, text: string) => {
      const bytes = Buffer.byteLength(text);
      st.file.write(text);
      st.size += bytes;
      st.pending.push(text);
      st.pendingBytes += bytes;
      if (st.pendingBytes >= FLUSH_BYTES) publish(stream, st);
      else if (!timer) timer = setTimeout(() => { timer = undefined; void flushAll(); }, FLUSH_MS);
    };

    return {
      write(stream, chunk) {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        if (!text) return;
        // Writes are chained so they land in the order they were made, whatever the file opening costs.
        ready = ready.then(async () => {
          const st = await stateOf(stream);
          if (!st.headerDone) {
            st.headerDone = true;
            append(stream, st, `${st.size ? '\n' : ''}── attempt ${attempt} · ${new Date().toISOString()} ──\n`);
          }
          if (st.size >= opts.maxBytes) { st.dropped += Buffer.byteLength(text); return; }
          const room = opts.maxBytes - st.size;
          const buf = Buffer.from(text);
          if (buf.length <= room) { append(stream, st, text); return; }
          // Cut at a character boundary, then say so once.
          let cut = room;
          while (cut > 0 && (buf[cut]! & 0xc0) === 0x80) cut--;
          append(stream, st, buf.subarray(0, cut).toString('utf8'));
          st.dropped += buf.length - cut;
          append(stream, st, marker(0));
        }).catch(() => undefined);
      },
      async close() {
        await ready;
        for (const st of streams.values()) {
          const s = await st;
          if (s.dropped) s.file.write(`… ${s.dropped} bytes dropped in attempt ${attempt}\n`);
        }
        await flushAll();
        await Promise.all([...streams.values()].map(async (st) => { const s = await st; await new Promise<void>((resolve) => s.file.end(resolve)); }));
      },
    };
  }

  /** Up to `limit` bytes of a stream from `offset`, in whole UTF-8 characters. */
  async function read(runId: string, step: string, iteration: string, stream: LogStream, offset: number, limit: number): Promise<LogPage> {
    const file = path.join(stepLogDir(opts.dataDir, runId, step, iteration), `${stream}.log`);
    let handle;
    try { handle = await open(file, 'r'); } catch { return { text: '', offset, nextOffset: offset, size: 0, truncated: false }; }
    try {
      const { size } = await handle.stat();
      let start = Math.min(offset, size);
      const buf = Buffer.alloc(Math.min(limit + 4, Math.max(0, size - start)));
      const { bytesRead } = await handle.read(buf, 0, buf.length, start);
      // An offset inside a character (a continuation byte) moves on to the next character.
      let skip = 0;
      while (skip < bytesRead && skip < 3 && (buf[skip]! & 0xc0) === 0x80) skip++;
      const body = buf.subarray(skip, bytesRead);
      start += skip;
      // Do not end inside a character: when the byte after the page continues one, back off
      // to that character's first byte (the next page starts there).
      let end = Math.min(limit, body.length);
      while (end > 0 && end < body.length && (body[end]! & 0xc0) === 0x80) end--;
      return { text: body.subarray(0, end).toString('utf8'), offset: start, nextOffset: start + end, size, truncated: size >= opts.maxBytes };
    } finally {
      await handle.close();
    }
  }

  return { open: open_, read };
}

export type StepLogs = ReturnType<typeof createStepLogs>;
