// fast-check arbitraries for VALID workflows (workflowSchema accepts every one), aimed at the
// places where YAML codecs go wrong: strings that look like other types, multi-line text,
// unicode and control characters, comment-like text, notes with blank lines, deep loops.
import fc from 'fast-check';
import { TOP_LEVEL_KEYS, type Step, type Trigger, type Workflow, type WorkflowInput } from '../../engine/format/schema.ts';

const NO_NULL_PROTO = { noNullPrototype: true } as const;

/** Strings that a YAML writer must quote or block-quote to read them back as the same text. */
export const TRICKY_STRINGS = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', 'true', 'False', 'null', 'Null', '~', '', ' ', ' x ', ' lead', 'trail ',
  '1.0', '0x1F', '0o17', '0b11', '1e3', '1_000', '12:30', '2024-01-01', '2024-01-01T10:00:00Z', '.inf', '-.inf', '.nan', '-0', '+1', '007',
  '#not a comment', 'a #b', 'a: b', 'a:b', '- x', '? x', '[x]', '{a: 1}', '*alias', '&anchor', '!tag', '!!str x', '%x', '@x', '`x', '|', '>', '<<', '---', '...',
  '"double"', "'single'", 'back\\slash', '${{ inputs.x }}', 'deploy ${{ inputs.env }} now', '${{ steps.a.outputs.b }}',
  'line1\nline2', 'line1\nline2\n', 'line1\n\nline2\n\n', '\nleading newline', '  indented\nsecond', 'trailing space \nnext', 'tab\there', '\ttab first',
  'crlf\r\nline', 'bare\rcr', 'nul\u0000char', 'bell\u0007', 'nel\u0085x', 'ls\u2028x', '\ufeffbom', 'émoji 🎉 中文 ünïcödé', 'zero\u200bwidth',
  '#!/bin/sh\necho "hi" # comment\nexit 0\n', 'key: value\n- item\n', 'x'.repeat(300),
];

const tricky = fc.constantFrom(...TRICKY_STRINGS);
const text = fc.oneof(
  { weight: 3, arbitrary: tricky },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('echo hi', '  indented', '', '# c', 'a: b', ' '), { minLength: 2, maxLength: 4 }).map((ls) => ls.join('\n')) },
);

// Keys the parser refuses on purpose (prototype pollution, YAML 1.1 merge).
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype', '<<']);
const userKey = fc.oneof(fc.string({ maxLength: 10 }), tricky.filter((s) => !s.includes('\u0000')), fc.constantFrom('note', 'notes', 'steps', '1', '10', 'id'))
  .filter((k) => !FORBIDDEN.has(k));

const finiteNumber = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).filter((n) => !Object.is(n, -0)),
  fc.constantFrom(0.1, -2.5, 1e21, 5e-324, Number.MAX_SAFE_INTEGER),
);

/** JSON-like user data, as found under `with`, `vars` and input defaults. */
export const userValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text, finiteNumber, fc.boolean(), fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(userKey, tie('value'), { maxKeys: 4, ...NO_NULL_PROTO }),
  ),
})).value;

const userMap = fc.dictionary(userKey, userValue, { maxKeys: 5, ...NO_NULL_PROTO });

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
const urlId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,14}$/);
const nodeType = fc.constantFrom('script', 'http', 'gate', 'notify', 'condition', 'loop', 'my-node_2');
const name = fc.oneof(fc.constantFrom('Build', 'Deploy to prod', 'yes', 'null', '1.0', 'Ship ${{ inputs.v }}?', 'a: b', '#1 step', 'Ünïcode 🎉'), fc.string({ minLength: 1, maxLength: 20 }))
  .map((s) => s.trim()).filter((s) => s.length > 0); // names are trimmed by the schema
const duration = fc.array(fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom('ms', 's', 'm', 'h', 'd')), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.map(([n, u]) => `${n}${u}`).join(''));
const expression = fc.oneof(fc.constantFrom('inputs.confidence > 0.8', 'steps.check.outputs.ok == true', "inputs.env == 'prod'", 'a: b', '#x', 'yes', 'x\ny'), fc.string({ minLength: 1, maxLength: 20 }));
const need = fc.oneof(identifier, fc.tuple(identifier, identifier).map(([a, b]) => `${a}.${b}`));

/** Comment-safe note text: no empty notes (they are not written), no CR (a line break to YAML). */
export const note = fc.oneof(
  fc.constantFrom('Why this step exists', 'two\nlines', 'para one\n\npara two', '  indented line', 'trailing spaces  ', '# hash first', '\nstarts blank', 'ends blank\n', '\n', 'tab\tinside', 'a: b', '- not a list', 'émoji 🎉'),
  fc.array(fc.string({ unit: 'grapheme', maxLength: 15 }), { minLength: 1, maxLength: 4 }).map((ls) => ls.join('\n')),
).filter((s) => s.length > 0 && !/[\r\u0085\u2028\u2029]/.test(s));

const retry = fc.record({
  attempts: fc.integer({ min: 1, max: 100 }),
  backoff: fc.constantFrom('fixed' as const, 'exponential' as const),
  initial: duration,
  max: duration,
  jitter: fc.boolean(),
}, { requiredKeys: ['attempts'], ...NO_NULL_PROTO });

function stepArbitrary(depth: number): fc.Arbitrary<Step> {
  const fields = {
    id: identifier,
    name,
    type: nodeType,
    version: fc.integer({ min: 1, max: 5 }),
    phase: fc.constantFrom('validate', 'staging', 'prod', 'yes'),
    needs: fc.array(need, { maxLength: 3 }),
    if: expression,
    with: userMap,
    retry,
    timeout: duration,
    on_failure: fc.constantFrom('stop' as const, 'continue' as const, 'compensate' as const),
    compensate: identifier,
    delivery: fc.constantFrom('at_least_once' as const, 'at_most_once' as const),
    outputs: fc.dictionary(identifier, text, { maxKeys: 3, ...NO_NULL_PROTO }),
    note,
  };
  const plain = fc.record(fields, { requiredKeys: ['id', 'type'], ...NO_NULL_PROTO }) as fc.Arbitrary<Step>;
  if (depth <= 0) return plain;
  const loop = fc.record({ ...fields, type: fc.constant('loop'), steps: fc.array(stepArbitrary(depth - 1), { minLength: 1, maxLength: 3 }) },
    { requiredKeys: ['id', 'type', 'steps'], ...NO_NULL_PROTO }) as fc.Arbitrary<Step>;
  return fc.oneof({ weight: 4, arbitrary: plain }, { weight: 1, arbitrary: loop });
}

const upTo = (max: number) => text.filter((s) => s.length <= max);
const inputCommon = { description: upTo(2000), required: fc.boolean(), label: upTo(200) };
const input: fc.Arbitrary<WorkflowInput> = fc.oneof(
  fc.record({ type: fc.constant('string' as const), ...inputCommon, default: text, pattern: fc.constantFrom('^[a-z]+$', '\\d+', '#x: y'), multiline: fc.boolean(), secret: fc.boolean() }, { requiredKeys: ['type'], ...NO_NULL_PROTO }),
  fc.record({ type: fc.constant('number' as const), ...inputCommon, default: finiteNumber, min: finiteNumber, max: finiteNumber, integer: fc.boolean() }, { requiredKeys: ['type'], ...NO_NULL_PROTO }),
  fc.record({ type: fc.constant('boolean' as const), ...inputCommon, default: fc.boolean() }, { requiredKeys: ['type'], ...NO_NULL_PROTO }),
  fc.record({ type: fc.constant('enum' as const), ...inputCommon, values: fc.array(text.filter((s) => s.length > 0), { minLength: 1, maxLength: 4 }), default: text }, { requiredKeys: ['type', 'values'], ...NO_NULL_PROTO }),
  fc.record({ type: fc.constant('object' as const), ...inputCommon, default: userMap }, { requiredKeys: ['type'], ...NO_NULL_PROTO }),
) as fc.Arbitrary<WorkflowInput>;

const templates = fc.dictionary(userKey, text, { maxKeys: 3, ...NO_NULL_PROTO });
const trigger: fc.Arbitrary<Trigger> = fc.oneof(
  fc.record({ type: fc.constant('manual' as const), id: urlId, note }, { requiredKeys: ['type'], ...NO_NULL_PROTO }),
  fc.record({ type: fc.constant('schedule' as const), id: urlId, cron: fc.constantFrom('0 3 * * 1-5', '*/5 * * * *', '0 0 1 1 * *'), timezone: fc.constantFrom('UTC', 'Europe/Berlin'), missed: fc.constantFrom('run_once' as const, 'skip' as const), inputs: userMap, note }, { requiredKeys: ['type', 'cron'], ...NO_NULL_PROTO }),
  fc.record({ type: fc.constant('webhook' as const), id: urlId, signature: fc.constantFrom('standard' as const, 'github' as const), inputs: templates, note }, { requiredKeys: ['type', 'id'], ...NO_NULL_PROTO }),
  fc.record({ type: fc.constant('event' as const), id: urlId, event: fc.constantFrom('run.completed', 'plan_validated', 'yes'), if: expression, inputs: templates, note }, { requiredKeys: ['type', 'event'], ...NO_NULL_PROTO }),
) as fc.Arbitrary<Trigger>;

const position = fc.record({ x: finiteNumber, y: finiteNumber, width: fc.integer({ min: 1, max: 800 }), height: fc.double({ min: 0.5, max: 600, noNaN: true }) }, { requiredKeys: ['x', 'y'], ...NO_NULL_PROTO });
const layout = fc.record({
  viewport: fc.record({ x: finiteNumber, y: finiteNumber, zoom: fc.double({ min: 0.1, max: 4, noNaN: true }) }, NO_NULL_PROTO),
  nodes: fc.dictionary(fc.oneof(identifier, userKey), position, { maxKeys: 4, ...NO_NULL_PROTO }),
}, { requiredKeys: [], ...NO_NULL_PROTO });

const base = fc.record({
  apiVersion: fc.constant('switchyard/v1' as const),
  id: urlId,
  name,
  description: text,
  tags: fc.array(fc.oneof(fc.constantFrom('ops', 'yes', 'a b', 'é', '#x', '1.0'), fc.string({ minLength: 1, maxLength: 10 })), { maxLength: 4 }),
  inputs: fc.dictionary(identifier, input, { maxKeys: 3, ...NO_NULL_PROTO }),
  vars: fc.dictionary(identifier, userValue, { maxKeys: 3, ...NO_NULL_PROTO }),
  phases: fc.array(fc.constantFrom('validate', 'staging', 'approval', 'production', 'on'), { maxLength: 4 }),
  triggers: fc.array(trigger, { maxLength: 3 }),
  concurrency: fc.record({ group: fc.constantFrom('deploy-${{ inputs.env }}', 'global', 'yes'), limit: fc.integer({ min: 1, max: 1000 }), mode: fc.constantFrom('queue' as const, 'cancel_in_progress' as const) }, { requiredKeys: ['group'], ...NO_NULL_PROTO }),
  timeout: duration,
  steps: fc.array(stepArbitrary(2), { maxLength: 4 }),
  layout,
}, { requiredKeys: ['apiVersion', 'id', 'name', 'steps'], ...NO_NULL_PROTO }) as fc.Arbitrary<Omit<Workflow, 'notes'>>;

/** A valid workflow, with notes on some of the top-level keys it has. */
export const arbitraryWorkflow: fc.Arbitrary<Workflow> = base.chain((workflow) => {
  const present = TOP_LEVEL_KEYS.filter((key) => workflow[key] !== undefined);
  return fc.dictionary(fc.constantFrom(...present), note, { maxKeys: 3, ...NO_NULL_PROTO }).map((notes): Workflow =>
    Object.keys(notes).length ? { ...workflow, notes } : workflow);
});
