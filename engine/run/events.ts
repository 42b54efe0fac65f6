// The run journal's event vocabulary. Every state change of a run is one of these, appended
// (numbered) to the run's journal before anything acts on it; the run's state is a fold of
// its events (./reducer.ts), so it can always be rebuilt from the journal alone.
//
// A step instance is addressed by `step` (its id) and `iteration` ("" outside loops, "2" for
// the third iteration of the enclosing loop, "2/0" nested), so every iteration has its own
// state and its own row.
import { z } from 'zod';

const errorJson = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type StepError = z.infer<typeof errorJson>;

const at = { step: z.string(), iteration: z.string().default('') };
const json = z.unknown();

export const runEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run.created'), versionId: z.string(), inputs: z.record(z.string(), json), vars: z.record(z.string(), json).default({}) }),
  z.object({ type: z.literal('run.started'), deadline: z.string().optional() }),
  z.object({ type: z.literal('run.compensating'), step: z.string(), error: errorJson }),
  z.object({ type: z.literal('run.paused'), by: z.string().optional() }),
  z.object({ type: z.literal('run.resumed'), by: z.string().optional() }),
  z.object({ type: z.literal('run.cancel_requested'), by: z.string().optional(), reason: z.string().optional() }),
  z.object({ type: z.literal('run.completed'), outputs: z.record(z.string(), json).default({}) }),
  z.object({ type: z.literal('run.failed'), error: errorJson, step: z.string().optional() }),
  z.object({ type: z.literal('run.cancelled'), reason: z.string().optional() }),

  z.object({ type: z.literal('step.started'), ...at, attempt: z.number().int().min(1), input: json.optional() }),
  // `input`: the config the attempt ran with (templates rendered), recorded when it ends.
  // `summary`: one line about what the step did — its output's `summary`, else its node type's summary of the config.
  z.object({ type: z.literal('step.completed'), ...at, attempt: z.number().int().min(0), output: json, port: z.string().default('out'), input: json.optional(), summary: z.string().max(200).optional() }),
  z.object({ type: z.literal('step.failed'), ...at, attempt: z.number().int().min(1), error: errorJson, retryAt: z.string().optional(), input: json.optional() }),
  z.object({ type: z.literal('step.skipped'), ...at, reason: z.enum(['condition', 'branch', 'run_ended']) }),
  z.object({ type: z.literal('step.cancelled'), ...at, reason: z.string().optional() }),
  z.object({ type: z.literal('step.crashed'), ...at, attempt: z.number().int().min(1) }),
  // A retry or fork starts with the recorded results of an earlier run: these steps count as
  // completed (with the same output and port) and never run in this run.
  z.object({ type: z.literal('step.reused'), ...at, fromRun: z.string(), output: json, port: z.string().default('out'), edited: z.boolean().default(false) }),
  // A delay or a gate: the step holds until `until` (a gate also until enough decisions).
  z.object({ type: z.literal('step.waiting'), ...at, until: z.string().optional(), reason: z.enum(['delay', 'gate', 'escalated']) }),
  // A loop: its list (for `over`) is evaluated once, when it starts; each iteration is journaled.
  // `iteration` is the loop instance's own (a loop inside another loop's body has one).
  z.object({ type: z.literal('loop.started'), ...at, items: z.array(json).optional() }),
  z.object({ type: z.literal('loop.iteration'), ...at, index: z.number().int().min(0) }),
  z.object({ type: z.literal('gate.decided'), ...at, decision: z.enum(['approve', 'reject']), by: z.string(), comment: z.string().optional(), at: z.string() }),
]);

export type RunEvent = z.infer<typeof runEventSchema>;
export type RunEventType = RunEvent['type'];
export type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
