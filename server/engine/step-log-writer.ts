// The log writer of one attempt of one step instance: appends what the step prints to its
// stream files and publishes the same bytes live, at the offsets they land at in the file.
//
// Per stream: the file is opened on the first write (append mode, so a retry continues the
// same file) → writes made while it opens wait in order → then each write is decoded, put
// under the cap, and batched; a batch goes to the file and to the bus together, every
// FLUSH_MS or FLUSH_BYTES, so the file and the live events always agree on offsets and a chatty
// step costs one file write and one event per batch, not per line. close() flushes, writes
// the attempt's "bytes dropped" line if the cap cut anything, and ends the files; writes after
// it are ignored (a process the step left behind cannot reopen them).
//
// Cap: the bytes of the file up to `maxBytes` are output and attempt headers; when a write
// does not fit, what fits (whole characters) is kept, one marker line follows, and the rest of
// the stream is counted, not kept. Only marker and "dropped" lines go past the cap, so a file
// longer than the cap is exactly one that was cut.
//
// A file that cannot be written (disk full, permissions) must not take the server down: its
// error is logged once and the stream's later output is dropped.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import type { Logger } from '../logger.ts';

export const LOG_STREAMS = ['stdout', 'stderr', 'log'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

/** A `log` bus event: `text` starts at byte `offset` of the stream's file. */
export interface LogChunk { runId: string; step: string; iteration: string; attempt: number; stream: LogStream; offset: number; text: string }

export interface StepLogWriter {
  /** Appends to a stream. Bytes may split a UTF-8 character anywhere: it is kept whole. */
  write(stream: LogStream, chunk: string | Uint8Array): void;
  /** Flushes and closes the attempt's files; later writes are ignored. Never rejects. */
  close(): Promise<void>;
}

export interface AttemptLogSpec {
  dir: string;
  runId: string;
  step: string;
  iteration: string;
  attempt: number;
  maxBytes: number;
  publish(chunk: LogChunk): void;
  log: Logger;
}

export const FLUSH_MS = 50;
export const FLUSH_BYTES = 64 * 1024;

interface Stream {
  name: LogStream;
  state: 'opening' | 'open' | 'failed';
  opened: Promise<void>;
  out?: WriteStream;
  /** Writes made while the file was opening, in order. */
  early: string[];
  decoder?: StringDecoder;
  /** Bytes in the file, counting the batch not yet written. */
  size: number;
  atLineStart: boolean;
  headed: boolean;
  capped: boolean;
  /** Output of this attempt that the cap (or a failed file) kept out. */
  dropped: number;
  batch: string[];
  batchBytes: number;
  batchOffset: number;
}

export function openAttemptLog(spec: AttemptLogSpec): StepLogWriter {
  const streams = new Map<LogStream, Stream>();
  let timer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;

  const header = () => `── attempt ${spec.attempt} · ${new Date().toISOString()} ──\n`;
  const marker = () => `… log truncated at ${spec.maxBytes} bytes (STEP_LOG_MAX_BYTES); further output of this stream is dropped\n`;

  function streamOf(name: LogStream): Stream {
    let s = streams.get(name);
    if (s) return s;
    s = { name, state: 'opening', opened: Promise.resolve(), early: [], size: 0, atLineStart: true, headed: false, capped: false, dropped: 0, batch: [], batchBytes: 0, batchOffset: 0 };
    const stream = s;
    stream.opened = openFile(stream).then(
      () => {
        stream.state = 'open';
        for (const text of stream.early.splice(0)) accept(stream, text);
      },
      (err: unknown) => {
        fail(stream, err);
        for (const text of stream.early.splice(0)) stream.dropped += Buffer.byteLength(text);
      },
    );
    streams.set(name, stream);
    return stream;
  }

  async function openFile(s: Stream): Promise<void> {
    await mkdir(spec.dir, { recursive: true });
    // One descriptor for both: the size and last byte of what earlier attempts wrote, then
    // appends (O_APPEND, so nothing is overwritten whoever else appends).
    const handle = await open(path.join(spec.dir, `${s.name}.log`), 'a+');
    try {
      const { size } = await handle.stat();
      s.size = s.batchOffset = size;
      s.capped = size > spec.maxBytes;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        s.atLineStart = last[0] === 0x0a;
      }
    } catch (err) {
      await handle.close();
      throw err;
    }
    s.out = createWriteStream('', { fd: handle, flags: 'a' });
    s.out.on('error', (err) => fail(s, err));
  }

  function fail(s: Stream, err: unknown): void {
    if (s.state === 'failed') return;
    s.state = 'failed';
    spec.log.warn('a step log file cannot be written; its further output is dropped', { runId: spec.runId, step: spec.step, iteration: spec.iteration, stream: s.name, error: err });
  }

  function decode(s: Stream, chunk: string | Uint8Array): string {
    if (typeof chunk !== 'string') return (s.decoder ??= new StringDecoder('utf8')).write(chunk as Buffer);
    // Text after bytes: whatever character the bytes left unfinished is not coming.
    return s.decoder ? s.decoder.end() + chunk : chunk;
  }

  function accept(s: Stream, text: string): void {
    if (s.state === 'failed') { s.dropped += Buffer.byteLength(text); return; }
    // Each stream of an attempt starts with its header, so retries stay apart in one file.
    if (!s.headed) {
      s.headed = true;
      if (!s.capped) fit(s, `${s.atLineStart ? '' : '\n'}${header()}`, false);
    }
    if (s.capped) { s.dropped += Buffer.byteLength(text); return; }
    fit(s, text, true);
  }

  /** Appends what fits under the cap; at the cap, the marker, once. */
  function fit(s: Stream, text: string, output: boolean): void {
    const bytes = Buffer.byteLength(text);
    if (s.size + bytes <= spec.maxBytes) { put(s, text); return; }
    const buf = Buffer.from(text);
    let cut = Math.max(0, spec.maxBytes - s.size);
    while (cut > 0 && (buf[cut]! & 0xc0) === 0x80) cut--;
    if (cut > 0) put(s, buf.toString('utf8', 0, cut));
    if (output) s.dropped += bytes - cut;
    put(s, `${s.atLineStart ? '' : '\n'}${marker()}`);
    s.capped = true;
  }

  function put(s: Stream, text: string): void {
    if (!text) return;
    const bytes = Buffer.byteLength(text);
    s.batch.push(text);
    s.batchBytes += bytes;
    s.size += bytes;
    s.atLineStart = text.endsWith('\n');
    if (s.batchBytes >= FLUSH_BYTES) flush(s);
    else timer ??= setTimeout(flushAll, FLUSH_MS);
  }

  function flush(s: Stream): void {
    if (!s.batch.length) return;
    const text = s.batch.length === 1 ? s.batch[0]! : s.batch.join('');
    const offset = s.batchOffset;
    s.batch = [];
    s.batchBytes = 0;
    s.batchOffset = s.size;
    if (s.state === 'failed') return;
    s.out!.write(text);
    try {
      spec.publish({ runId: spec.runId, step: spec.step, iteration: spec.iteration, attempt: spec.attempt, stream: s.name, offset, text });
    } catch (err) {
      // A listener's bug must not stop the file from being written.
      spec.log.warn('a log listener failed', { runId: spec.runId, step: spec.step, error: err });
    }
  }

  function flushAll(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const s of streams.values()) flush(s);
  }

  return {
    write(name, chunk) {
      if (closing) return;
      const s = streamOf(name);
      const text = decode(s, chunk);
      if (!text) return;
      if (s.state === 'opening') s.early.push(text);
      else accept(s, text);
    },
    close() {
      closing ??= (async () => {
        await Promise.all([...streams.values()].map((s) => s.opened));
        for (const s of streams.values()) {
          const tail = s.decoder?.end();
          if (tail) accept(s, tail);
          if (s.dropped && s.state !== 'failed') put(s, `${s.atLineStart ? '' : '\n'}… ${s.dropped} bytes dropped in attempt ${spec.attempt}\n`);
        }
        flushAll();
        await Promise.all([...streams.values()].map(async (s) => {
          if (!s.out) return;
          s.out.end();
          await finished(s.out).catch((err: unknown) => fail(s, err));
        }));
      })();
      return closing;
    },
  };
}
