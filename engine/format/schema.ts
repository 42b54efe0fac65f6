// Workflow format v1, defined once. The TypeScript types, the tRPC inputs, the validator and
// the published JSON Schema (public/schema/workflow.v1.json) all derive from these schemas.
// docs/format.md is the user reference; keep the two in step.
//
// Shape rules that keep files pleasant to write and diff:
//   - objects are strict: a misspelt key is an error, not silently ignored;
//   - defaults are not materialised into the document: a field left out stays out, so a file
//     round-trips as written (node config defaults live in the node's own schema);
//   - a step's `with` is validated by its node type's schema (engine/nodes), not here.
import { z } from 'zod';
import { durationSchema } from './duration.ts';

export const API_VERSION = 'switchyard/v1';

const describe = <T extends z.ZodType>(schema: T, description: string) => schema.meta({ description });

export const workflowIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1–63 characters: lowercase letters, digits, "-" and "_", starting with a letter or digit (it appears in URLs)');

/** Step ids are expression identifiers too (`steps.build.outputs`), hence no "-" or ".". */
export const stepIdSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be an identifier: letters, digits and "_", not starting with a digit (use snake_case, e.g. deploy_prod)');

/** An edge: "build" (the step's default output) or "check.true" (a named output port). */
export const needSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'must name a step, optionally with a port: "build" or "check.true"');

/** A CEL expression, e.g. `inputs.confidence > 0.8`. */
export const expressionSchema = z.string().min(1, 'must not be empty').max(4000);

const nameSchema = z.string().trim().min(1).max(200);
const noteSchema = describe(z.string().max(10_000), 'Free text. Written as a YAML comment above the element; a comment there is read back into this field.');

// ── Inputs ──────────────────────────────────────────────────────────────────────────────

const inputCommon = {
  description: z.string().max(2000).optional(),
  required: z.boolean().optional(),
  label: z.string().max(200).optional(),
};

export const inputSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('string'), ...inputCommon, default: z.string().optional(), pattern: z.string().max(500).optional(), multiline: z.boolean().optional(), secret: z.boolean().optional() }),
  z.strictObject({ type: z.literal('number'), ...inputCommon, default: z.number().optional(), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().optional() }),
  z.strictObject({ type: z.literal('boolean'), ...inputCommon, default: z.boolean().optional() }),
  z.strictObject({ type: z.literal('enum'), ...inputCommon, values: z.array(z.string().min(1)).min(1), default: z.string().optional() }),
  z.strictObject({ type: z.literal('object'), ...inputCommon, default: z.record(z.string(), z.unknown()).optional() }),
]).meta({ description: 'A typed run parameter; inputs become the run form.' });

export const inputNameSchema = stepIdSchema;

// ── Triggers ────────────────────────────────────────────────────────────────────────────

const triggerId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be URL-safe: lowercase letters, digits, "-" and "_"');

export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('manual'), id: triggerId.optional(), note: noteSchema.optional() }),
  z.strictObject({
    type: z.literal('schedule'),
    id: triggerId.optional(),
    cron: describe(z.string().min(9).max(200), 'Cron expression with 5 or 6 fields, e.g. "0 3 * * 1-5".'),
    timezone: describe(z.string().min(1).max(100), 'IANA time zone, e.g. "Europe/Berlin". Default UTC.').optional(),
    missed: describe(z.enum(['run_once', 'skip']), 'What to do with fires missed while the server was down. Default run_once.').optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    note: noteSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('webhook'),
    id: describe(triggerId, 'Part of the URL: /hooks/<workflow id>/<trigger id>.'),
    signature: describe(z.enum(['standard', 'github']), 'Standard Webhooks (default) or GitHub-style X-Hub-Signature-256.').optional(),
    inputs: describe(z.record(z.string(), z.string()), 'Run inputs from the request, as templates over trigger.body and trigger.headers.').optional(),
    note: noteSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('event'),
    id: triggerId.optional(),
    event: describe(z.string().min(1).max(200), 'Event type, e.g. run.completed or a custom event name.'),
    if: describe(expressionSchema, 'Condition over `event`; the run starts only when it is true.').optional(),
    inputs: z.record(z.string(), z.string()).optional(),
    note: noteSchema.optional(),
  }),
]);

// ── Steps ───────────────────────────────────────────────────────────────────────────────

export const retrySchema = z.strictObject({
  attempts: describe(z.number().int().min(1).max(100), 'Total attempts, the first included.'),
  backoff: z.enum(['fixed', 'exponential']).optional(),
  initial: durationSchema.optional(),
  max: durationSchema.optional(),
  jitter: describe(z.boolean(), 'Randomise each delay by up to ±20% so retries do not align.').optional(),
});

const stepFields = {
  id: stepIdSchema,
  name: nameSchema.optional(),
  type: describe(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must name a node type, e.g. script or http'), 'The node type: a folder under nodes/.'),
  version: describe(z.number().int().min(1), 'Version of the node type the config was written for; omitted means 1. Older configs are migrated on load.').optional(),
  phase: z.string().min(1).max(100).optional(),
  needs: describe(z.array(needSchema), 'Upstream steps this one waits for: "build", or "check.true" for a named output port.').optional(),
  if: describe(expressionSchema, 'Run only when this CEL condition is true; otherwise the step is skipped.').optional(),
  with: describe(z.record(z.string(), z.unknown()), "The node's configuration, validated by its node type.").optional(),
  retry: retrySchema.optional(),
  timeout: durationSchema.optional(),
  on_failure: describe(z.enum(['stop', 'continue', 'compensate']), 'stop (default) fails the run; continue carries on; compensate runs the compensations of completed steps in reverse.').optional(),
  compensate: describe(stepIdSchema, 'The step that undoes this one, run if the run fails after this step completed.').optional(),
  delivery: describe(z.enum(['at_least_once', 'at_most_once']), 'After a crash mid-step: re-run it (at_least_once, default) or mark it crashed (at_most_once).').optional(),
  outputs: describe(z.record(stepIdSchema, z.string()), 'Named outputs of this step, as templates over its result.').optional(),
  note: noteSchema.optional(),
};

export interface Step {
  id: string;
  name?: string;
  type: string;
  version?: number;
  phase?: string;
  needs?: string[];
  if?: string;
  with?: Record<string, unknown>;
  retry?: z.infer<typeof retrySchema>;
  timeout?: string;
  on_failure?: 'stop' | 'continue' | 'compensate';
  compensate?: string;
  delivery?: 'at_least_once' | 'at_most_once';
  outputs?: Record<string, string>;
  note?: string;
  /** Only for container node types (loop): the body, a graph of its own. */
  steps?: Step[];
}

export const stepSchema: z.ZodType<Step> = z.lazy(() =>
  z.strictObject({
    ...stepFields,
    steps: describe(z.array(stepSchema), 'Body steps of a container (loop). Their needs refer to siblings in the same body.').optional(),
  }),
).meta({ id: 'Step' });

// ── Layout ──────────────────────────────────────────────────────────────────────────────

export const layoutSchema = z.strictObject({
  viewport: z.strictObject({ x: z.number(), y: z.number(), zoom: z.number().positive() }).optional(),
  nodes: z.record(z.string(), z.strictObject({
    x: z.number(),
    y: z.number(),
    width: z.number().positive().optional(),
    height: z.number().positive().optional(),
  })).optional(),
}).meta({ description: 'Canvas positions only, kept apart so that logic diffs stay clean.' });

// ── Workflow ────────────────────────────────────────────────────────────────────────────

export const concurrencySchema = z.strictObject({
  group: describe(z.string().min(1).max(500), 'Runs with the same group key (a template, e.g. "deploy-${{ inputs.env }}") share the limit.'),
  limit: z.number().int().min(1).max(1000).optional(),
  mode: describe(z.enum(['queue', 'cancel_in_progress']), 'queue (default) waits; cancel_in_progress cancels the older run.').optional(),
});

export const TOP_LEVEL_KEYS = ['apiVersion', 'id', 'name', 'description', 'tags', 'inputs', 'vars', 'phases', 'triggers', 'concurrency', 'timeout', 'steps', 'layout'] as const;
export type TopLevelKey = (typeof TOP_LEVEL_KEYS)[number];

export const workflowSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION, { error: `must be "${API_VERSION}"` }),
  id: workflowIdSchema,
  name: nameSchema,
  description: z.string().max(10_000).optional(),
  tags: z.array(z.string().min(1).max(50)).max(50).optional(),
  inputs: z.record(inputNameSchema, inputSchema).optional(),
  vars: describe(z.record(stepIdSchema, z.unknown()), 'Constants and templates computed once at run start; read-only during the run.').optional(),
  phases: describe(z.array(z.string().min(1).max(100)), 'Ordered phases for grouping steps and runs on the board.').optional(),
  triggers: z.array(triggerSchema).optional(),
  concurrency: concurrencySchema.optional(),
  timeout: describe(durationSchema, 'The whole run is cancelled after this long.').optional(),
  steps: z.array(stepSchema),
  layout: layoutSchema.optional(),
  notes: describe(
    z.partialRecord(z.enum(TOP_LEVEL_KEYS), z.string().max(10_000)),
    'Comments above top-level keys, keyed by the key they precede. Written back as YAML comments, never as this key.',
  ).optional(),
}).meta({ id: 'Workflow', title: 'Switchyard workflow', description: 'A Switchyard workflow file (apiVersion switchyard/v1).' });

export type Workflow = z.infer<typeof workflowSchema>;
export type WorkflowInput = z.infer<typeof inputSchema>;
export type Trigger = z.infer<typeof triggerSchema>;
export type Retry = z.infer<typeof retrySchema>;
export type Layout = z.infer<typeof layoutSchema>;
