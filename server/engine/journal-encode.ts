// Turns a JournalWrite into the column values both backends bind: JSON as text (how Prisma
// stores Json on SQLite; PostgreSQL casts it to jsonb), dates in the backend's format, and a
// bit mask saying which optional fields the write sets — one prepared statement then serves
// every combination ("CASE WHEN mask & bit THEN new ELSE old END").
//
// Encoding happens in append(), before the write joins a batch, so a value that cannot be
// encoded (a BigInt, an invalid Date) rejects that append alone.
import type { JournalWrite, RunRowChange, StepRowChange } from './journal-types.ts';

export const RUN_STATUS = 1, RUN_OUTPUTS = 2, RUN_ERROR = 4, RUN_STARTED = 8, RUN_FINISHED = 16;
export const STEP_ATTEMPT = 1, STEP_INPUT = 2, STEP_OUTPUT = 4, STEP_ERROR = 8, STEP_STARTED = 16, STEP_FINISHED = 32, STEP_SUMMARY = 64;

export interface EncodedRunChange {
  mask: number;
  status: string | null;
  outputs: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EncodedStep {
  stepId: string;
  iteration: string;
  status: string;
  mask: number;
  attempt: number | null;
  input: string | null;
  output: string | null;
  error: string | null;
  summary: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EncodedWrite {
  runId: string;
  owner: string;
  types: string[];
  /** JSON text, never null: a null or missing payload is the JSON value null. */
  payloads: string[];
  /** The payloads as given (undefined made null), handed back in the AppendedEvents. */
  values: unknown[];
  run: EncodedRunChange | null;
  steps: EncodedStep[];
}

export type DateFormat = (d: Date) => string;

/** null/undefined → SQL NULL; anything else → its JSON text. */
function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value) ?? null;
}

function field<T, E>(value: T | null | undefined, bit: number, enc: (v: T) => E | null, acc: { mask: number }): E | null {
  if (value === undefined) return null;
  acc.mask |= bit;
  return value === null ? null : enc(value);
}

function encodeRun(run: RunRowChange, date: DateFormat): EncodedRunChange {
  const acc = { mask: 0 };
  const status = field(run.status, RUN_STATUS, (v) => v, acc);
  const outputs = field(run.outputs, RUN_OUTPUTS, json, acc);
  const error = field(run.error, RUN_ERROR, json, acc);
  const startedAt = field(run.startedAt, RUN_STARTED, date, acc);
  const finishedAt = field(run.finishedAt, RUN_FINISHED, date, acc);
  return { mask: acc.mask, status, outputs, error, startedAt, finishedAt };
}

function encodeStep(s: StepRowChange, date: DateFormat): EncodedStep {
  // PostgreSQL would refuse a fraction and SQLite store it: refuse it on both.
  if (s.attempt != null && !Number.isSafeInteger(s.attempt)) throw new TypeError(`attempt must be an integer, got ${s.attempt}`);
  const acc = { mask: 0 };
  const attempt = field(s.attempt, STEP_ATTEMPT, (v) => v, acc);
  const input = field(s.input, STEP_INPUT, json, acc);
  const output = field(s.output, STEP_OUTPUT, json, acc);
  const error = field(s.error, STEP_ERROR, json, acc);
  const summary = field(s.summary, STEP_SUMMARY, (v) => v, acc);
  const startedAt = field(s.startedAt, STEP_STARTED, date, acc);
  const finishedAt = field(s.finishedAt, STEP_FINISHED, date, acc);
  return { stepId: s.stepId, iteration: s.iteration, status: s.status, mask: acc.mask, attempt, input, output, error, summary, startedAt, finishedAt };
}

export function encodeWrite(w: JournalWrite, date: DateFormat): EncodedWrite {
  if (w.events.length === 0) throw new TypeError('append needs at least one event: every state change is journalled');
  const types: string[] = [], payloads: string[] = [], values: unknown[] = [];
  for (const e of w.events) {
    const value = e.payload ?? null;
    types.push(e.type);
    payloads.push(JSON.stringify(value));
    values.push(value);
  }
  const steps = w.steps?.length ? w.steps.map((s) => encodeStep(s, date)) : [];
  return { runId: w.runId, owner: w.owner, types, payloads, values, run: w.run ? encodeRun(w.run, date) : null, steps };
}

/** Later changes win field by field (used where one statement may touch a row only once). */
export function mergeRun(a: EncodedRunChange, b: EncodedRunChange): EncodedRunChange {
  const pick = <K extends keyof EncodedRunChange>(k: K, bit: number) => (b.mask & bit ? b[k] : a[k]);
  return {
    mask: a.mask | b.mask,
    status: pick('status', RUN_STATUS), outputs: pick('outputs', RUN_OUTPUTS), error: pick('error', RUN_ERROR),
    startedAt: pick('startedAt', RUN_STARTED), finishedAt: pick('finishedAt', RUN_FINISHED),
  };
}

export function mergeStep(a: EncodedStep, b: EncodedStep): EncodedStep {
  const pick = <K extends keyof EncodedStep>(k: K, bit: number) => (b.mask & bit ? b[k] : a[k]);
  return {
    stepId: b.stepId, iteration: b.iteration, status: b.status, mask: a.mask | b.mask,
    attempt: pick('attempt', STEP_ATTEMPT), input: pick('input', STEP_INPUT), output: pick('output', STEP_OUTPUT),
    error: pick('error', STEP_ERROR), summary: pick('summary', STEP_SUMMARY), startedAt: pick('startedAt', STEP_STARTED), finishedAt: pick('finishedAt', STEP_FINISHED),
  };
}

/** Payload text back to a value. SQLite's JSONB columns have NUMERIC affinity, so a payload
 *  that is a bare number comes back as a number, not text — exactly as Prisma reads it. */
export function decodePayload(stored: unknown): unknown {
  return typeof stored === 'string' ? JSON.parse(stored) : stored;
}
