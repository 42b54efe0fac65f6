// The crash test's step type. Every attempt appends to a side-effect ledger — a plain file
// outside the database — so the test can prove what really ran, whatever the journal says:
//   <runId> <stepId> <attempt> start <seen>   before the work
//   <runId> <stepId> <attempt> done <token>   right after it
// `seen` is what the step received from upstream (the tokens of the steps it needs, via
// templates); `token` is fresh per attempt and is the step's output. A step that received a
// token its upstream's journaled completion does not carry was fed a re-run's output.
// appendFileSync needs no fsync: the test kills the process (SIGKILL), not the machine, and
// the kernel keeps what was written.
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineNode, defineRunner } from '../../../../engine/nodes/define-node.ts';

export const ledgerNode = defineNode({
  type: 'ledger', version: 1, title: 'Ledger', description: 'Appends each attempt to a ledger file, spends a little time, appends again.',
  icon: 'flask', colour: '#888', category: 'action', kind: 'action', docs: 'crash test only',
  inputs: [{ id: 'in', label: 'In' }], outputs: [{ id: 'out', label: 'Out' }],
  config: z.strictObject({
    /** Upper bound of the random time an attempt takes (ms). */
    ms: z.number().int().min(0).max(10_000).default(20),
    /** Take exactly `ms` instead of a random time up to it. */
    exact: z.boolean().default(false),
    /** Upstream tokens, rendered from `${{ steps.<id>.outputs.token }}` templates. */
    seen: z.string().default('-'),
  }),
});

export interface LedgerLine { runId: string; stepId: string; attempt: number; phase: 'start' | 'done'; value: string }

const LINE = /^(\S+) (\S+) (\d+) (start|done) (\S+)$/;

/** Parses the ledger; a malformed line (a torn write) fails loudly with its number. */
export function parseLedger(text: string): LedgerLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => {
    const m = LINE.exec(line);
    if (!m) throw new Error(`ledger line ${i + 1} is malformed: ${JSON.stringify(line)}`);
    return { runId: m[1]!, stepId: m[2]!, attempt: Number(m[3]), phase: m[4] as 'start' | 'done', value: m[5]! };
  });
}

export function ledgerRunner(file: string) {
  return defineRunner(ledgerNode, async (ctx, config) => {
    const seen = config.seen.trim().replace(/\s+/g, ',') || '-';
    appendFileSync(file, `${ctx.runId} ${ctx.stepId} ${ctx.attempt} start ${seen}\n`);
    const ms = config.exact ? config.ms : Math.floor(Math.random() * (config.ms + 1));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(Object.assign(new Error('aborted'), { code: 'ABORTED' })); }, { once: true });
    });
    const token = randomBytes(6).toString('hex');
    appendFileSync(file, `${ctx.runId} ${ctx.stepId} ${ctx.attempt} done ${token}\n`);
    return { token, attempt: ctx.attempt };
  });
}
