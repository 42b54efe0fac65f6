// Step log files: attempt headers, the per-stream cap with its marker, live chunks whose
// offsets tile the file, and reads from any offset that never split a character.
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStepLogs, stepLogDir, StepLogPathError, type LogChunk } from '../../../server/engine/step-logs.ts';

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

  it('writes each attempt under a header, and live chunks tile the file exactly', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1 << 20, bus });
    for (const attempt of [1, 2]) {
      const w = logs.open('run1', 'build', '', attempt);
      for (let i = 0; i < 1000; i++) w.write('stdout', `attempt ${attempt} line ${i}\n`);
      await w.close();
    }
    const text = readFileSync(path.join(dir, 'runs', 'run1', 'steps', 'build', 'stdout.log'), 'utf8');
    expect(text.match(/── attempt \d · /g)).toHaveLength(2);
    expect(text).toContain('attempt 2 line 999\n');
    // Far fewer bus events than lines, and concatenated at their offsets they are the file.
    expect(chunks.length).toBeLessThan(50);
    let rebuilt = '';
    for (const c of chunks) { expect(c.offset).toBe(Buffer.byteLength(rebuilt)); rebuilt += c.text; }
    expect(rebuilt).toBe(text);
  });

  it('caps each stream with one marker, counting what it dropped', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 2048, bus });
    const w = logs.open('run1', 'noisy', '3/1', 1);
    for (let i = 0; i < 500; i++) w.write('stderr', `é ${'x'.repeat(20)} ${i}\n`);
    await w.close();
    const file = path.join(stepLogDir(dir, 'run1', 'noisy', '3/1'), 'stderr.log');
    const text = readFileSync(file, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThan(2048 + 300);
    expect(text.match(/log truncated at 2048 bytes/g)).toHaveLength(1);
    expect(text).toMatch(/… \d+ bytes dropped in attempt 1\n$/);
    expect(text).not.toContain('\uFFFD');
    expect((await logs.read('run1', 'noisy', '3/1', 'stderr', 0, 1 << 20)).truncated).toBe(true);
  });

  it('reads pages from any offset in whole characters, and the pages add up to the file', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1 << 20, bus });
    const w = logs.open('run1', 'agent', '', 1);
    const body = Array.from({ length: 300 }, (_, i) => `réponse ✓ 日本語 ${i}\n`).join('');
    w.write('stdout', body);
    await w.close();
    const whole = readFileSync(path.join(dir, 'runs', 'run1', 'steps', 'agent', 'stdout.log'), 'utf8');
    let offset = 0;
    let pages = '';
    for (;;) {
      const page = await logs.read('run1', 'agent', '', 'stdout', offset, 1000);
      expect(page.text).not.toContain('\uFFFD');
      if (page.nextOffset === offset) break;
      pages += page.text;
      offset = page.nextOffset;
    }
    expect(pages).toBe(whole);
    // An offset inside a character starts at the next one.
    const at = Buffer.from(whole).indexOf(Buffer.from('日')) + 1;
    const page = await logs.read('run1', 'agent', '', 'stdout', at, 1000);
    expect(page.offset).toBe(at + 2);
    expect(page.text.startsWith('本語')).toBe(true);
  });

  it('returns an empty page for a step that has not logged, and refuses ids that could leave the run folder', async () => {
    const logs = createStepLogs({ dataDir: dir, maxBytes: 1024, bus });
    expect(await logs.read('run1', 'quiet', '', 'stdout', 0, 1024)).toEqual({ text: '', offset: 0, nextOffset: 0, size: 0, truncated: false });
    expect(() => stepLogDir(dir, '../etc', 'x')).toThrow(StepLogPathError);
    expect(() => stepLogDir(dir, 'run1', 'x', '../1')).toThrow(StepLogPathError);
  });
});
