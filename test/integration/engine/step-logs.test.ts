// Step logs through a real server on both databases: a step's output lands in its log files,
// streams live on the bus, reads back page by page over tRPC, and never reaches the journal.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TRPCClientError } from '@trpc/client';
import type { LogChunk } from '../../../server/engine/step-logs.ts';
import type { AppRouter } from '../../../server/trpc/router.ts';
import { useApiServer } from '../../helpers/api-fixture.ts';
import { databaseKinds } from '../../helpers/databases.ts';

const chatty = (id: string, lines: number) => `apiVersion: switchyard/v1\nid: ${id}\nname: ${id}\nsteps:\n  - { id: talk, type: chatty, with: { lines: ${lines} } }\n`;

describe.each(databaseKinds)('step logs on %s', (kind) => {
  const fx = useApiServer(kind, { few: chatty('few', 3), many: chatty('many', 20_000) });

  it('keeps stdout, stderr and log lines in files, streamed live, readable in pages; the journal does not grow with them', async () => {
    const { api, server } = fx;
    const { runs } = server.app.context;
    const live: LogChunk[] = [];
    const listener = (c: LogChunk) => live.push(c);
    runs.bus.on('log', listener);
    try {
      const few = await api.runs.start.mutate({ workflowId: 'few' });
      const many = await api.runs.start.mutate({ workflowId: 'many' });
      await runs.waitFor(few.runId);
      await runs.waitFor(many.runId);

      const dir = path.join(server.app.context.config.dataDir, 'runs', many.runId, 'steps', 'talk');
      expect(existsSync(path.join(dir, 'stdout.log'))).toBe(true);

      let offset = 0;
      let text = '';
      let pages = 0;
      for (;;) {
        const page = await api.runs.logs.query({ runId: many.runId, step: 'talk', stream: 'stdout', offset, limit: 64 * 1024 });
        text += page.text;
        pages++;
        offset = page.nextOffset;
        if (page.done) break;
      }
      expect(pages).toBeGreaterThan(3);
      const lines = text.split('\n').filter((l) => l.startsWith('line '));
      expect(lines).toHaveLength(20_000);
      expect(lines.at(-1)).toBe('line 20000');

      const streamed = live.filter((c) => c.runId === many.runId && c.stream === 'stdout').map((c) => c.text).join('');
      expect(streamed).toBe(text);
      expect((await api.runs.logs.query({ runId: many.runId, step: 'talk', stream: 'stderr' })).text).toContain('a warning\n');
      expect((await api.runs.logs.query({ runId: many.runId, step: 'talk', stream: 'log' })).text).toContain('printed 20000 lines\n');

      // The step's record carries its own one-line summary.
      expect((await api.runs.get.query({ runId: many.runId })).steps[0]?.summary).toBe('printed 20000 lines');
      const journal = async (runId: string) => (await api.runs.events.query({ runId })).length;
      expect(await journal(many.runId)).toBe(await journal(few.runId));
    } finally {
      runs.bus.off('log', listener);
    }
  });

  it('answers an empty page for a step without output, and NOT_FOUND for an unknown run', async () => {
    const { api, server } = fx;
    const few = await api.runs.start.mutate({ workflowId: 'few' });
    await server.app.context.runs.waitFor(few.runId);
    expect(await api.runs.logs.query({ runId: few.runId, step: 'nobody' })).toMatchObject({ text: '', size: 0 });
    const err = await api.runs.logs.query({ runId: 'no-such-run', step: 'talk' }).catch((e: unknown) => e);
    expect((err as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
  });
});
