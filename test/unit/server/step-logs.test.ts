// Step log files: attempt headers, the per-stream cap with its marker, live chunks whose
// offsets tile the file, bytes split inside characters, reads from any offset that never
// split a character, many steps writing at once, and files that cannot be written.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStepLogs, stepLogDir, StepLogPathError, type LogChunk, type LogStream } from '../../../server/engine/step-logs.ts';
import { utf8Window } from '../../../server/engine/step-log-reader.ts';
import { silentLogger, type Logger } from '../../../server/logger.ts';
import { waitFor } from '../../helpers/wait.ts';

describe('step logs', () => {
  let dir: string;
  let bus: EventEmitter;
  let chunks: LogChunk[];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-logs-'));
    bus = new EventEmitter();
    chunks = [];
    bus.on('log', (c: LogChunk) => chunks.push(c));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fileOf = (step: string, stream: LogStream, iteration = '') => path.join(stepLogDir(dir, 'run1', step, iteration), `${stream}.log`);
  /** The live chunks of one stream, checked to tile the file from offset 0, joined. */
  const streamed = (step: string, stream: LogStream) => {
    let text = '';
    for (const c of chunks.filter((c) => c.step === step && c.stream === stream)) {
      expect(c.offset).toBe(Buffer.byteLength(text));
      text += c.text;
    }
    return text;
  };

  it('writes each attempt under a header, and live chunks tile the file exactly', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1 << 20, bus });
    for (const attempt of [1, 2]) {
      const w = logs.open('run1', 'build', '', attempt);
      for (let i = 0; i < 1000; i++) w.write('stdout', `attempt ${attempt} line ${i}\n`);
      await w.close();
    }
    const text = readFileSync(fileOf('build', 'stdout'), 'utf8');
    expect(text.match(/^── attempt (\d) · \d{4}-\d\d-\d\dT[\d:.]+Z ──$/gm)).toEqual([expect.stringContaining('attempt 1'), expect.stringContaining('attempt 2')]);
    expect(text.indexOf('attempt 2 line 0')).toBeGreaterThan(text.indexOf('── attempt 2'));
    expect(text.endsWith('attempt 2 line 999\n')).toBe(true);
    expect(chunks.every((c) => c.runId === 'run1' && c.iteration === '')).toBe(true);
    expect(chunks.filter((c) => c.attempt === 2)[0]?.text.startsWith('── attempt 2')).toBe(true);
    expect(streamed('build', 'stdout')).toBe(text);
  });

  it('publishes live before the attempt ends, in far fewer events than lines', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 64 << 20, bus });
    const w = logs.open('run1', 'chatty', '', 1);
    let printed = '';
    for (let i = 0; i < 100_000; i++) { const line = `line ${i}\n`; printed += line; w.write('stdout', line); }
    // The batch timer publishes what is left without waiting for close.
    await waitFor(() => streamed('chatty', 'stdout').endsWith('line 99999\n'), { what: 'the last line, live' });
    expect(chunks.length).toBeLessThan(40);
    await w.close();
    const text = readFileSync(fileOf('chatty', 'stdout'), 'utf8');
    expect(text.slice(text.indexOf('\n') + 1)).toBe(printed);
    expect(streamed('chatty', 'stdout')).toBe(text);
  });

  it('caps each stream: what fits, one marker, the rest counted — across attempts', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 2048, bus });
    const printed = Array.from({ length: 500 }, (_, i) => `é ${'x'.repeat(20)} ${i}\n`).join('');
    const first = logs.open('run1', 'noisy', '3/1', 1);
    for (const line of printed.split(/(?<=\n)/)) first.write('stderr', line);
    first.write('stdout', 'small\n');
    await first.close();

    const file = fileOf('noisy', 'stderr', '3/1');
    expect(file).toContain(path.join('steps', 'noisy@3.1'));
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('\uFFFD');
    expect(text.match(/log truncated at 2048 bytes/g)).toHaveLength(1);
    const markerAt = text.indexOf('… log truncated');
    expect(Buffer.byteLength(text.slice(0, markerAt))).toBeLessThanOrEqual(2048 + 1);
    expect(Buffer.byteLength(text.slice(0, markerAt))).toBeGreaterThan(2048 - 4);
    // What was kept is the start of what was printed (the marker gets a line of its own).
    let kept = text.slice(text.indexOf('\n') + 1, markerAt);
    if (!printed.startsWith(kept)) kept = kept.slice(0, -1);
    expect(printed.startsWith(kept)).toBe(true);
    const dropped = Number(/… (\d+) bytes dropped in attempt 1\n$/.exec(text)?.[1]);
    expect(dropped).toBe(Buffer.byteLength(printed) - Buffer.byteLength(kept));
    expect(streamed('noisy', 'stderr')).toBe(text);
    expect((await logs.read('run1', 'noisy', '3/1', 'stderr', 0, 1 << 20)).truncated).toBe(true);
    expect((await logs.read('run1', 'noisy', '3/1', 'stdout', 0, 1 << 20)).truncated).toBe(false);

    // A retry finds the stream full: nothing more is kept, only how much it dropped.
    const second = logs.open('run1', 'noisy', '3/1', 2);
    second.write('stderr', 'x'.repeat(100));
    await second.close();
    const after = readFileSync(file, 'utf8');
    expect(after).toBe(`${text}… 100 bytes dropped in attempt 2\n`);
    expect(after.match(/log truncated/g)).toHaveLength(1);
  });

  it('keeps characters whole when bytes arrive split inside them', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1 << 20, bus });
    const w = logs.open('run1', 'pipe', '', 1);
    const printed = 'réponse ✓ 日本語 🚀 done\n'.repeat(50);
    const bytes = Buffer.from(printed);
    // One byte at a time, as a pipe may deliver them; then text, then a character cut short.
    for (let i = 0; i < bytes.length; i++) w.write('stdout', bytes.subarray(i, i + 1));
    w.write('stdout', 'text ✓\n');
    w.write('stdout', Buffer.from('🚀').subarray(0, 2));
    await w.close();
    const text = readFileSync(fileOf('pipe', 'stdout'), 'utf8');
    expect(text.slice(text.indexOf('\n') + 1)).toBe(`${printed}text ✓\n\uFFFD`);
    expect(streamed('pipe', 'stdout')).toBe(text);
  });

  it('reads pages from any offset in whole characters, and the pages add up to the file', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1 << 20, bus });
    const w = logs.open('run1', 'agent', '', 1);
    w.write('stdout', Array.from({ length: 300 }, (_, i) => `réponse ✓ 日本語 🚀 ${i}\n`).join(''));
    await w.close();
    const whole = readFileSync(fileOf('agent', 'stdout'), 'utf8');
    const size = Buffer.byteLength(whole);
    for (const limit of [1024, 1027, 4093]) {
      let offset = 0;
      let pages = '';
      for (;;) {
        const page = await logs.read('run1', 'agent', '', 'stdout', offset, limit);
        expect(page.text).not.toContain('\uFFFD');
        expect(page.nextOffset - page.offset).toBeLessThanOrEqual(limit);
        expect(page.size).toBe(size);
        if (page.nextOffset === offset) break;
        pages += page.text;
        offset = page.nextOffset;
      }
      expect(pages).toBe(whole);
      expect(offset).toBe(size);
    }
    // An offset inside a character starts at the next one.
    const at = Buffer.from(whole).indexOf(Buffer.from('日')) + 1;
    const page = await logs.read('run1', 'agent', '', 'stdout', at, 1000);
    expect(page.offset).toBe(at + 2);
    expect(page.text.startsWith('本語')).toBe(true);
    // Past the end: nothing, and the offset stays where the file ends.
    expect(await logs.read('run1', 'agent', '', 'stdout', size + 50, 1000)).toMatchObject({ text: '', offset: size, nextOffset: size });
  });

  it('never ends a page inside a character, even at the end of a file still being written', () => {
    const rocket = Buffer.from('🚀');
    const data = Buffer.concat([Buffer.from('ab'), rocket, rocket.subarray(0, 3)]);
    // The last character is incomplete: the page stops before it.
    expect(utf8Window(data, 100)).toEqual({ start: 0, end: 6 });
    // A limit inside the first rocket backs off to it; a limit shorter than one character still moves on.
    expect(utf8Window(data, 4)).toEqual({ start: 0, end: 2 });
    expect(utf8Window(data.subarray(2), 1)).toEqual({ start: 0, end: 4 });
    // Starting on continuation bytes skips to the next character.
    expect(utf8Window(data.subarray(3), 100)).toEqual({ start: 3, end: 3 });
    expect(utf8Window(Buffer.from('a'), 100)).toEqual({ start: 0, end: 1 });
    expect(utf8Window(Buffer.alloc(0), 100)).toEqual({ start: 0, end: 0 });
  });

  it('keeps the files of many steps writing at once apart and in order', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1 << 20, bus });
    const steps = Array.from({ length: 120 }, (_, i) => `step_${i}`);
    const streams: LogStream[] = ['stdout', 'stderr', 'log'];
    const writers = steps.map((s) => logs.open('run1', s, '', 1));
    for (let line = 0; line < 200; line++) {
      writers.forEach((w, i) => w.write(streams[(i + line) % 3]!, `${steps[i]} line ${line}\n`));
    }
    await Promise.all(writers.map((w) => w.close()));
    for (const [i, step] of steps.entries()) {
      for (const [k, stream] of streams.entries()) {
        const text = readFileSync(fileOf(step, stream), 'utf8');
        const expected = Array.from({ length: 200 }, (_, line) => line).filter((line) => (i + line) % 3 === k).map((line) => `${step} line ${line}\n`).join('');
        expect(text.slice(text.indexOf('\n') + 1)).toBe(expected);
        expect(streamed(step, stream)).toBe(text);
      }
    }
  });

  it('ignores writes after close, and closeAll flushes writers still open', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1 << 20, bus });
    const w = logs.open('run1', 'done', '', 1);
    w.write('stdout', 'before\n');
    await w.close();
    w.write('stdout', `after ${'x'.repeat(70_000)}\n`); // more than a batch: it would be published at once
    const open = logs.open('run1', 'left', '', 1);
    open.write('log', 'still running\n');
    await logs.closeAll();
    expect(readFileSync(fileOf('done', 'stdout'), 'utf8')).toMatch(/^── attempt 1 · .* ──\nbefore\n$/);
    expect(readFileSync(fileOf('left', 'log'), 'utf8')).toMatch(/still running\n$/);
    expect(chunks.some((c) => c.text.includes('after'))).toBe(false);
  });

  it('survives a log file that cannot be written: the error is logged, the other streams carry on', async () => {
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (msg) => warnings.push(msg) };
    mkdirSync(fileOf('broken', 'stdout'), { recursive: true }); // a directory where the file goes
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1 << 20, bus, log });
    const w = logs.open('run1', 'broken', '', 1);
    w.write('stdout', 'lost\n');
    w.write('stderr', 'kept\n');
    await w.close();
    expect(warnings).toEqual([expect.stringContaining('cannot be written')]);
    expect(readFileSync(fileOf('broken', 'stderr'), 'utf8')).toMatch(/kept\n$/);
    expect(chunks.map((c) => c.stream)).toEqual(['stderr']);
  });

  it('returns an empty page for a step that has not logged, and refuses ids that could leave the run folder', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1024, bus });
    expect(await logs.read('run1', 'quiet', '', 'stdout', 0, 1024)).toEqual({ text: '', offset: 0, nextOffset: 0, size: 0, truncated: false });
    for (const [runId, step, iteration] of [['../etc', 'x', ''], ['run1', '..', ''], ['run1', 'a/b', ''], ['run1', '', ''], ['run1', 'x', '../1'], ['run1', 'x', '1/../2'], ['run1', 'x', '1/']]) {
      expect(() => stepLogDir(dir, runId!, step!, iteration)).toThrow(StepLogPathError);
      expect(() => logs.open(runId!, step!, iteration!, 1)).toThrow(StepLogPathError);
    }
    expect(stepLogDir(dir, 'run1', 'x', '1/0')).toBe(path.join(dir, 'runs', 'run1', 'steps', 'x@1.0'));
  });
});
