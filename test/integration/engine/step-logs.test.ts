// Step logs through a real server on both databases: a step's output lands in its log files
// under DATA_DIR/runs/<runId>/steps/<step>[@<iteration>]/, streams live on the bus at offsets
// that tile the file, reads back page by page over tRPC, keeps retries apart, obeys
// STEP_LOG_MAX_BYTES, and never reaches the journal.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TRPCClientError } from '@trpc/client';
import type { LogChunk, LogStream } from '../../../server/engine/step-logs.ts';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { useApiServer, type Api } from '../../helpers/api-fixture.ts';
import { databaseKinds } from '../../helpers/databases.ts';
import { testRunners } from '../../helpers/test-runners.ts';
import { waitFor } from '../../helpers/wait.ts';

const wf = (id: string, steps: string) => `apiVersion: switchyard/v1\nid: ${id}\nname: ${id}\nsteps:\n${steps}`;
const chatty = (id: string, lines: number, extra = '') => wf(id, `  - { id: talk, type: chatty, with: { lines: ${lines}${extra} } }\n`);
const CAP = 512 * 1024;

/** Every page of a stream from offset 0 until `done`, with the page count. */
async function readAll(api: Api, runId: string, stream: LogStream, iteration = '', limit = 64 * 1024) {
  let offset = 0;
  let text = '';
  let pages = 0;
  for (;;) {
    const page = await api.runs.logs.query({ runId, step: 'talk', iteration, stream, offset, limit });
    expect(page.offset).toBe(offset);
    text += page.text;
    pages++;
    offset = page.nextOffset;
    if (page.done) return { text, pages, page };
    expect(pages).toBeLessThan(1000);
  }
}

const printed = (lines: number, text = 'line') => Array.from({ length: lines }, (_, i) => `${text} ${i + 1}\n`).join('');
const withoutHeaders = (text: string) => text.replace(/^── attempt \d+ · \S+ ──\n/gm, '');

describe.each(databaseKinds)('step logs on %s', (kind) => {
  const gates = new Map<string, () => void>();
  const fx = useApiServer(kind, {
    few: chatty('few', 3),
    many: chatty('many', 20_000),
    held: chatty('held', 2_000, ', hold: true'),
    retried: wf('retried', '  - { id: talk, type: chatty, with: { lines: 5, failTimes: 1 }, retry: { attempts: 2, initial: 10ms } }\n'),
    looped: wf('looped', '  - id: each\n    type: loop\n    with: { over: "[1, 2]", parallelism: 2, max_iterations: 2 }\n    steps:\n      - { id: talk, type: chatty, with: { lines: 3, text: "item ${{ loop.item }}" } }\n'),
    huge: chatty('huge', 60_000),
    piped: chatty('piped', 10_000, ', child: true, text: "ünïcødé ✓ 日本語"'),
  }, { runners: testRunners(undefined, gates), env: { STEP_LOG_MAX_BYTES: String(CAP) } });

  let live: LogChunk[];
  const listener = (c: LogChunk) => live.push(c);
  beforeEach(() => { live = []; fx.server.app.context.runs.bus.on('log', listener); });
  afterEach(() => { fx.server.app.context.runs.bus.off('log', listener); });

  /** The live chunks of one stream of a run, checked to tile the file from offset 0, joined. */
  const streamed = (runId: string, stream: LogStream, iteration = '') => {
    let text = '';
    for (const c of live.filter((c) => c.runId === runId && c.stream === stream && c.iteration === iteration)) {
      expect(c.offset).toBe(Buffer.byteLength(text));
      text += c.text;
    }
    return text;
  };
  const stepDir = (runId: string, dir = 'talk') => path.join(fx.server.app.context.config.dataDir, 'runs', runId, 'steps', dir);

  it('keeps stdout, stderr and log lines in files, streamed live, readable in pages; the journal does not grow with them', async () => {
    const { api, server } = fx;
    const { runs } = server.app.context;
    const few = await api.runs.start.mutate({ workflowId: 'few' });
    const many = await api.runs.start.mutate({ workflowId: 'many' });
    await runs.waitFor(few.runId);
    await runs.waitFor(many.runId);

    const file = path.join(stepDir(many.runId), 'stdout.log');
    expect(existsSync(file)).toBe(true);
    const { text, pages, page } = await readAll(api, many.runId, 'stdout');
    expect(pages).toBeGreaterThan(3);
    expect(page).toMatchObject({ truncated: false, done: true, size: Buffer.byteLength(text) });
    expect(text).toBe(readFileSync(file, 'utf8'));
    expect(text).toMatch(/^── attempt 1 · /);
    expect(withoutHeaders(text)).toBe(printed(20_000));

    // Live, in batches, at offsets that tile the file.
    expect(streamed(many.runId, 'stdout')).toBe(text);
    const batches = live.filter((c) => c.runId === many.runId && c.stream === 'stdout');
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThan(200);
    expect(batches.every((c) => c.step === 'talk' && c.attempt === 1 && c.iteration === '')).toBe(true);

    expect(withoutHeaders((await api.runs.logs.query({ runId: many.runId, step: 'talk', stream: 'stderr' })).text)).toBe('a warning\n');
    expect(withoutHeaders((await api.runs.logs.query({ runId: many.runId, step: 'talk', stream: 'log' })).text)).toBe('printed 20000 lines\n');

    // The step's record carries its own one-line summary.
    expect((await api.runs.get.query({ runId: many.runId })).steps[0]?.summary).toBe('printed 20000 lines');
    const journal = async (runId: string) => (await api.runs.events.query({ runId })).length;
    expect(await journal(many.runId)).toBe(await journal(few.runId));
  });

  it('streams while the step is still running, and the log is done only once it ends', async () => {
    const { api, server } = fx;
    const { runId } = await api.runs.start.mutate({ workflowId: 'held' });
    // The step has printed everything and now waits: its output is already live and readable.
    await waitFor(() => gates.has(`${runId}:talk`), { what: 'the step to print and wait' });
    await waitFor(() => streamed(runId, 'stdout').endsWith('line 2000\n'), { what: 'the last line on the bus' });
    const running = await api.runs.logs.query({ runId, step: 'talk', stream: 'stdout', limit: 1024 * 1024 });
    expect(running.done).toBe(false);
    expect(withoutHeaders(running.text)).toBe(printed(2_000));
    expect((await api.runs.get.query({ runId })).steps[0]?.status).toBe('running');
    // A reader at the end of the file waits for more rather than finishing.
    expect(await api.runs.logs.query({ runId, step: 'talk', stream: 'stdout', offset: running.nextOffset })).toMatchObject({ text: '', done: false });

    gates.get(`${runId}:talk`)!();
    await server.app.context.runs.waitFor(runId);
    expect(await api.runs.logs.query({ runId, step: 'talk', stream: 'stdout', offset: running.nextOffset })).toMatchObject({ text: '', done: true });
  });

  it('keeps every attempt of a retried step in one file, each under its header', async () => {
    const { api, server } = fx;
    const { runId } = await api.runs.start.mutate({ workflowId: 'retried' });
    expect(await server.app.context.runs.waitFor(runId)).toMatchObject({ status: 'completed' });
    const { text } = await readAll(api, runId, 'stdout');
    const headers = [...text.matchAll(/^── attempt (\d+) · (\S+) ──$/gm)];
    expect(headers.map((h) => h[1])).toEqual(['1', '2']);
    expect(Date.parse(headers[1]![2]!)).toBeGreaterThanOrEqual(Date.parse(headers[0]![2]!));
    expect(withoutHeaders(text)).toBe(printed(5).repeat(2));
    expect(streamed(runId, 'stdout')).toBe(text);
    expect(new Set(live.filter((c) => c.runId === runId).map((c) => c.attempt))).toEqual(new Set([1, 2]));
  });

  it('gives each loop iteration its own log directory', async () => {
    const { api, server } = fx;
    const { runId } = await api.runs.start.mutate({ workflowId: 'looped' });
    await server.app.context.runs.waitFor(runId);
    for (const [iteration, item] of [['0', 1], ['1', 2]] as const) {
      expect(existsSync(path.join(stepDir(runId, `talk@${iteration}`), 'stdout.log'))).toBe(true);
      const { text } = await readAll(api, runId, 'stdout', iteration);
      expect(withoutHeaders(text)).toBe(printed(3, `item ${item}`));
      expect(streamed(runId, 'stdout', iteration)).toBe(text);
    }
    expect(existsSync(stepDir(runId))).toBe(false);
    expect(await api.runs.logs.query({ runId, step: 'talk' })).toMatchObject({ text: '', size: 0, done: true });
  });

  it('takes a child process\'s pipes as they come, characters whole', async () => {
    const { api, server } = fx;
    const { runId } = await api.runs.start.mutate({ workflowId: 'piped' });
    expect(await server.app.context.runs.waitFor(runId)).toMatchObject({ status: 'completed' });
    const { text } = await readAll(api, runId, 'stdout');
    expect(withoutHeaders(text)).toBe(printed(10_000, 'ünïcødé ✓ 日本語'));
    expect(streamed(runId, 'stdout')).toBe(text);
    expect(withoutHeaders((await readAll(api, runId, 'stderr')).text)).toBe('a warning\n');
  });

  it('stops a stream at STEP_LOG_MAX_BYTES with one marker', async () => {
    const { api, server } = fx;
    const { runId } = await api.runs.start.mutate({ workflowId: 'huge' });
    await server.app.context.runs.waitFor(runId);
    const { text, page } = await readAll(api, runId, 'stdout', '', 1024 * 1024);
    expect(page).toMatchObject({ truncated: true, done: true });
    expect(text.match(/log truncated at 524288 bytes/g)).toHaveLength(1);
    expect(page.size).toBeLessThan(CAP + 300);
    const kept = text.slice(0, text.indexOf('… log truncated'));
    expect(printed(60_000).startsWith(withoutHeaders(kept).replace(/\n?$/, ''))).toBe(true);
    expect(text).toMatch(/… \d+ bytes dropped in attempt 1\n$/);
    expect(streamed(runId, 'stdout')).toBe(text);
  });

  it('answers an empty page for a step without output, NOT_FOUND for an unknown run, BAD_REQUEST for ids that are no ids', async () => {
    const { api, server } = fx;
    const few = await api.runs.start.mutate({ workflowId: 'few' });
    await server.app.context.runs.waitFor(few.runId);
    expect(await api.runs.logs.query({ runId: few.runId, step: 'nobody' })).toMatchObject({ text: '', size: 0, nextOffset: 0 });
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e as TRPCClientError<AppRouter>).data?.code);
    expect(await code(api.runs.logs.query({ runId: 'no-such-run', step: 'talk' }))).toBe('NOT_FOUND');
    expect(await code(api.runs.logs.query({ runId: '../..', step: 'talk' }))).toBe('BAD_REQUEST');
    expect(await code(api.runs.logs.query({ runId: few.runId, step: '../talk' }))).toBe('BAD_REQUEST');
    expect(await code(api.runs.logs.query({ runId: few.runId, step: 'talk', iteration: '0/../1' }))).toBe('BAD_REQUEST');
    expect(await code(api.runs.logs.query({ runId: few.runId, step: 'talk', limit: 2 * 1024 * 1024 }))).toBe('BAD_REQUEST');
  });
});
