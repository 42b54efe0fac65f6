// Control requests for runs that another process executes.
//
// Only the lease holder may write a run's journal, so pause, resume, cancel and gate decisions
// for a run held elsewhere (a server and a CLI on one database, or several servers) are left
// as RunCommand rows. The holder polls for the commands of the runs it executes, applies them
// through its executor in the order they were made — journaling them as usual — and deletes
// them. A command is deleted only once applied (or refused on its merits): one the holder
// could not apply because it lost the run meanwhile — its lease lapsed, another process took
// the run over — stays for the next holder, which applies the commands waiting for a run when
// it claims it (run-service.ts continueClaimed), before the run goes on.
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';

export const runCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pause'), by: z.string().optional() }),
  z.object({ type: z.literal('resume'), by: z.string().optional() }),
  z.object({ type: z.literal('cancel'), by: z.string().optional(), reason: z.string().optional() }),
  z.object({ type: z.literal('decide'), step: z.string(), iteration: z.string().optional(), decision: z.enum(['approve', 'reject']), by: z.string(), comment: z.string().optional() }),
]);
export type RunCommand = z.infer<typeof runCommandSchema>;

export interface CommandTarget {
  /** Runs this process executes now. */
  held(): string[];
  /** Applies the command; false when this process does not execute the run (any more), so
   *  the command was not applied and must stay for the process that does. */
  apply(runId: string, command: RunCommand): Promise<boolean>;
}

export function createRunCommands(db: Db, log: Logger, target: CommandTarget, pollMs = 250) {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;

  async function poll(): Promise<void> {
    const held = target.held();
    if (!held.length || busy) return;
    busy = true;
    try {
      const rows = await db.runCommand.findMany({ where: { runId: { in: held } }, orderBy: { id: 'asc' } });
      for (const row of rows) {
        const parsed = runCommandSchema.safeParse({ ...(row.payload as Record<string, unknown>), type: row.type });
        try {
          if (parsed.success && !(await target.apply(row.runId, parsed.data))) continue; // not ours any more: it stays
          if (!parsed.success) log.warn('ignored a malformed run command', { runId: row.runId, id: row.id, type: row.type });
        } catch (err) {
          // A refused command (the gate was decided meanwhile, say) is the requester's problem,
          // not the run's: log it and move on.
          log.warn('run command refused', { runId: row.runId, type: row.type, error: err });
        }
        // Deleted after it was applied (journaled), one by one: a crash in between applies it
        // again, which a pause, resume, cancel or decided gate absorbs.
        await db.runCommand.deleteMany({ where: { id: row.id } });
      }
    } finally {
      busy = false;
    }
  }

  return {
    /** Leaves a command for the process that executes the run. */
    async send(runId: string, command: RunCommand): Promise<void> {
      const { type, ...payload } = runCommandSchema.parse(command);
      await db.runCommand.create({ data: { runId, type, payload } });
    },
    poll,
    /** The commands waiting for a run, oldest first (malformed ones are left to poll). */
    async waiting(runId: string): Promise<{ id: number; command: RunCommand }[]> {
      const rows = await db.runCommand.findMany({ where: { runId }, orderBy: { id: 'asc' } });
      const out: { id: number; command: RunCommand }[] = [];
      for (const row of rows) {
        const parsed = runCommandSchema.safeParse({ ...(row.payload as Record<string, unknown>), type: row.type });
        if (parsed.success) out.push({ id: row.id, command: parsed.data });
      }
      return out;
    },
    /** Deletes commands that were applied. */
    async applied(ids: number[]): Promise<void> {
      if (ids.length) await db.runCommand.deleteMany({ where: { id: { in: ids } } });
    },
    start(): void {
      timer = setInterval(() => { poll().catch((err: unknown) => log.error('run command poll failed', { error: err })); }, pollMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
    },
    /** Commands for a run that has ended are moot. */
    async forget(runId: string): Promise<void> {
      await db.runCommand.deleteMany({ where: { runId } });
    },
  };
}
