import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { mayDecide } from '../../auth/approvers.ts';
import { NotFoundError } from '../../../engine/errors.ts';
import { ITERATION_PATTERN, LOG_STREAMS, RUN_ID_PATTERN, STEP_ID_PATTERN } from '../../engine/step-logs.ts';
import { TERMINAL_RUN, TERMINAL_STEP } from '../../../engine/run/state.ts';
import { workflowIdSchema } from '../../../engine/format/schema.ts';
import { roleProcedure, router } from '../init.ts';

const runId = z.string().min(1).max(64);
const stepEnded: ReadonlySet<string> = TERMINAL_STEP;
const runEnded: ReadonlySet<string> = TERMINAL_RUN;

export const runsRouter = router({
  /** Runs the latest published version (or `version`) with the given inputs. */
  start: roleProcedure('runner')
    .input(z.object({
      workflowId: workflowIdSchema,
      version: z.number().int().min(1).optional(),
      inputs: z.record(z.string(), z.unknown()).default({}),
      idempotencyKey: z.string().trim().min(1).max(200).optional().describe('Starting twice with the same key returns the first run.'),
    }))
    .mutation(({ ctx, input }) => ctx.runs.start(input)),

  /** A new run that keeps the completed steps of a failed or cancelled run and runs the rest. */
  retry: roleProcedure('runner').input(z.object({ runId })).mutation(({ ctx, input }) => ctx.runs.retry(input.runId)),

  /** A new run of the same version with the same inputs. */
  rerun: roleProcedure('runner').input(z.object({ runId })).mutation(({ ctx, input }) => ctx.runs.rerun(input.runId)),

  /**
   * A new run from `step` of an earlier run: steps upstream of it keep their recorded outputs
   * (or the edited ones given here), the step and everything else run for real.
   */
  fork: roleProcedure('runner')
    .input(z.object({
      runId,
      step: z.string().min(1).max(64),
      inputs: z.record(z.string(), z.unknown()).optional().describe('Inputs to change; the rest are the earlier run\'s.'),
      outputs: z.record(z.string(), z.unknown()).optional().describe('Recorded outputs to replace, by step id.'),
      version: z.number().int().min(1).optional().describe('Run this version of the workflow instead of the earlier run\'s.'),
    }))
    .mutation(({ ctx, input }) => ctx.runs.fork(input)),

  list: roleProcedure('viewer')
    .input(z.object({
      workflowId: workflowIdSchema.optional().describe('Runs of this workflow; all workflows when omitted.'),
      status: z.string().max(32).optional(),
      limit: z.number().int().min(1).max(200).default(50),
    }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.run.findMany({
        where: { ...(input.workflowId ? { workflowId: input.workflowId } : {}), ...(input.status ? { status: input.status } : {}) },
        orderBy: input.workflowId ? { number: 'desc' } : { createdAt: 'desc' }, take: input.limit,
        select: { id: true, workflowId: true, number: true, status: true, trigger: true, origin: true, sourceRunId: true, parentRunId: true, createdAt: true, startedAt: true, finishedAt: true, version: { select: { number: true } } },
      });
      return rows.map(({ version, ...r }) => ({ ...r, version: version.number, createdAt: r.createdAt.toISOString(), startedAt: r.startedAt?.toISOString() ?? null, finishedAt: r.finishedAt?.toISOString() ?? null }));
    }),

  get: roleProcedure('viewer').input(z.object({ runId })).query(async ({ ctx, input }) => {
    const run = await ctx.db.run.findUnique({
      where: { id: input.runId },
      include: {
        steps: { orderBy: { startedAt: 'asc' } }, version: { select: { number: true } },
        children: { select: { id: true, number: true, workflowId: true, status: true, parentStepKey: true }, orderBy: { createdAt: 'asc' } },
      },
    });
    if (!run) throw new NotFoundError('Run', input.runId);
    // The journal's own last number: Run.lastSeq lags on SQLite while a process holds the run.
    const last = await ctx.db.runEvent.aggregate({ where: { runId: run.id }, _max: { seq: true } });
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    return {
      id: run.id, workflowId: run.workflowId, number: run.number, version: run.version.number, status: run.status, inputs: run.inputs,
      outputs: run.outputs, error: run.error, lastSeq: last._max.seq ?? 0, createdAt: iso(run.createdAt), startedAt: iso(run.startedAt), finishedAt: iso(run.finishedAt),
      trigger: run.trigger, origin: run.origin, sourceRunId: run.sourceRunId, sourceStep: run.sourceStep,
      parent: run.parentRunId ? { runId: run.parentRunId, step: run.parentStepKey?.replace(/#\d+$/, '') ?? null } : null,
      children: run.children.map((c) => ({ runId: c.id, number: c.number, workflowId: c.workflowId, status: c.status, step: c.parentStepKey?.replace(/#\d+$/, '') ?? null })),
      steps: run.steps.map((s) => ({ stepId: s.stepId, iteration: s.iteration, status: s.status, attempt: s.attempt, input: s.input, output: s.output, summary: s.summary, error: s.error, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) })),
    };
  }),

  /** The journal from a sequence number on: what a reconnecting client missed. */
  events: roleProcedure('viewer')
    .input(z.object({ runId, afterSeq: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(500) }))
    .query(async ({ ctx, input }) => (await ctx.journal.read(input.runId, input.afterSeq, input.limit)).map((e) => ({ seq: e.seq, type: e.type, payload: e.payload, at: e.at.toISOString() }))),

  /**
   * A page of a step's log file (stdout, stderr or log) from a byte offset, in whole UTF-8
   * characters; follow live output with the bus's `log` events from `nextOffset` on. `done`:
   * the step instance has ended (or the run has) and this page reached the end of the file.
   */
  logs: roleProcedure('viewer')
    .input(z.object({
      runId: z.string().regex(RUN_ID_PATTERN, 'must be a run id'),
      step: z.string().regex(STEP_ID_PATTERN, 'must be a step id'),
      iteration: z.union([z.literal(''), z.string().regex(ITERATION_PATTERN, 'must be a loop iteration such as "2" or "1/0"')]).default('').describe('For a step in a loop body: which iteration.'),
      stream: z.enum(LOG_STREAMS).default('stdout'),
      offset: z.number().int().min(0).default(0).describe('A byte offset; one inside a character starts at the next character.'),
      limit: z.number().int().min(1024).max(1024 * 1024).default(256 * 1024).describe('At most this many bytes.'),
    }))
    .query(async ({ ctx, input }) => {
      const run = await ctx.db.run.findUnique({
        where: { id: input.runId },
        select: { status: true, steps: { where: { stepId: input.step, iteration: input.iteration }, select: { status: true } } },
      });
      if (!run) throw new NotFoundError('Run', input.runId);
      const page = await ctx.runs.logs.read(input.runId, input.step, input.iteration, input.stream, input.offset, input.limit);
      // Logs are flushed before a step's end is journaled, so once it ended the file is whole.
      const ended = stepEnded.has(run.steps[0]?.status ?? '') || runEnded.has(run.status);
      return { ...page, done: ended && page.nextOffset >= page.size };
    }),

  /** Approve or reject a waiting gate, as the signed-in user (recorded with the decision). */
  decide: roleProcedure('runner')
    .input(z.object({
      runId, step: z.string().min(1).max(64), decision: z.enum(['approve', 'reject']), comment: z.string().max(2000).optional(),
      iteration: z.string().regex(/^\d+(\/\d+)*$/).optional().describe('For a gate in a loop body: which iteration ("2", or "1/0" in a nested loop); omitted: the one waiting.'),
    }))
    .mutation(async ({ ctx, input }) => {
      const approvers = await ctx.runs.gateApprovers(input.runId, input.step, input.iteration);
      if (approvers && !mayDecide(ctx.caller, approvers)) {
        throw new TRPCError({ code: 'FORBIDDEN', message: `Only ${approvers.join(', ')} may decide gate ${input.step}; you are ${ctx.caller.user.email} (${ctx.caller.user.role}).` });
      }
      await ctx.runs.decideGate(input.runId, input.step, input.decision, ctx.caller.user.email, input.comment, input.iteration);
      return { runId: input.runId };
    }),

  pause: roleProcedure('runner').input(z.object({ runId })).mutation(async ({ ctx, input }) => { await ctx.runs.pause(input.runId, ctx.caller.user.email); return { runId: input.runId }; }),
  resume: roleProcedure('runner').input(z.object({ runId })).mutation(async ({ ctx, input }) => { await ctx.runs.resume(input.runId, ctx.caller.user.email); return { runId: input.runId }; }),
  cancel: roleProcedure('runner')
    .input(z.object({ runId, reason: z.string().max(500).optional() }))
    .mutation(async ({ ctx, input }) => { await ctx.runs.cancel(input.runId, ctx.caller.user.email, input.reason); return { runId: input.runId }; }),
});
