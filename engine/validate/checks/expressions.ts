// Expressions and templates, wherever they appear, compiled with the roots that exist in that
// place; then what they read: steps.<id> must exist and run before the reader,
// inputs.<name> / vars.<name> must be declared.
//
// Roots by place:
//   step if / with / outputs      inputs vars steps run trigger secrets (+ loop inside a loop body)
//   a loop's `until` and outputs   the same, + loop, + the steps of its own body
//   vars                           inputs run trigger secrets (vars are computed at run start)
//   concurrency.group              inputs vars run trigger
//   event trigger if / inputs      event
//   webhook / schedule inputs      trigger
import { formatPath, type DocPath } from '../../diagnostics.ts';
import type { Workflow } from '../../format/schema.ts';
import { DIAGNOSTIC_CODES, type ValidationCode } from '../codes.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { checkSource, type Refs, type SourceKind } from '../expr.ts';
import type { StepEntry } from '../graph.ts';
import { AFTER_BODY_FIELDS, EXPRESSION_FIELDS } from '../node-rules.ts';
import { didYouMean, listNames } from '../suggest.ts';

const STEP_ROOTS = ['inputs', 'vars', 'steps', 'run', 'trigger', 'secrets'] as const;
const VARS_ROOTS = ['inputs', 'run', 'trigger', 'secrets'] as const;
const GROUP_ROOTS = ['inputs', 'vars', 'run', 'trigger'] as const;

interface Site {
  text: string;
  kind: SourceKind;
  path: DocPath;
  roots: readonly string[];
  /** The step whose field this is; steps.<id> references are checked against it. */
  step?: StepEntry;
  /** Evaluated after the step (its outputs) or after its body (a loop's until): may read itself / its body. */
  after?: 'self' | 'body';
}

function collectStrings(value: unknown, path: DocPath, into: (text: string, path: DocPath) => void): void {
  if (typeof value === 'string') into(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => collectStrings(v, [...path, i], into));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collectStrings(v, [...path, k], into);
}

function sites(workflow: Workflow, ctx: ValidateContext): Site[] {
  const out: Site[] = [];
  const templates = (value: unknown, path: DocPath, roots: readonly string[], extra: Partial<Site> = {}) =>
    collectStrings(value, path, (text, p) => out.push({ text, kind: 'template', path: p, roots, ...extra }));

  templates(workflow.vars, ['vars'], VARS_ROOTS);
  if (workflow.concurrency) out.push({ text: workflow.concurrency.group, kind: 'template', path: ['concurrency', 'group'], roots: GROUP_ROOTS });
  (workflow.triggers ?? []).forEach((trigger, i) => {
    const at = ['triggers', i];
    if (trigger.type === 'event') {
      if (trigger.if !== undefined) out.push({ text: trigger.if, kind: 'expression', path: [...at, 'if'], roots: ['event'] });
      templates(trigger.inputs, [...at, 'inputs'], ['event']);
    } else if (trigger.type === 'webhook' || trigger.type === 'schedule') {
      templates(trigger.inputs, [...at, 'inputs'], ['trigger']);
    }
  });

  for (const entry of ctx.graph.entries) {
    const { step, path } = entry;
    const inBody = entry.scope.owner !== undefined;
    const roots = inBody ? [...STEP_ROOTS, 'loop'] : [...STEP_ROOTS];
    const container = step.steps !== undefined && ctx.nodeOf(entry)?.container === true;
    const bodyRoots = [...STEP_ROOTS, 'loop'];
    if (step.if !== undefined) out.push({ text: step.if, kind: 'expression', path: [...path, 'if'], roots, step: entry });
    const fields = EXPRESSION_FIELDS[step.type] ?? {};
    const afterBody = AFTER_BODY_FIELDS[step.type] ?? [];
    for (const [key, value] of Object.entries(step.with ?? {})) {
      const fieldKind = fields[key];
      const after = container && afterBody.includes(key);
      const siteRoots = after ? bodyRoots : roots;
      if (fieldKind && typeof value === 'string') {
        out.push({ text: value, kind: fieldKind, path: [...path, 'with', key], roots: siteRoots, step: entry, ...(after ? { after: 'body' as const } : {}) });
      } else {
        templates(value, [...path, 'with', key], siteRoots, { step: entry, ...(after ? { after: 'body' as const } : {}) });
      }
    }
    templates(step.outputs, [...path, 'outputs'], container ? bodyRoots : roots, { step: entry, after: container ? 'body' : 'self' });
  }
  return out;
}

export function checkExpressions(workflow: Workflow, ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  const stepIds = [...ctx.graph.byId.keys()];
  const inputNames = Object.keys(workflow.inputs ?? {});
  const varNames = Object.keys(workflow.vars ?? {});

  for (const site of sites(workflow, ctx)) {
    const { errors, refs } = checkSource(site.text, site.kind, site.roots);
    const stepId = site.step?.step.id;
    const base = { path: site.path, ...(stepId !== undefined ? { stepId } : {}) };
    const where = describeSite(site);
    for (const error of errors) {
      const code: ValidationCode = error.code in DIAGNOSTIC_CODES ? (error.code as ValidationCode) : 'EXPR_INTERNAL';
      // The layer's message may be several sentences: the first says what is wrong, the rest
      // (a suggestion, the roots that exist) goes to the hint.
      const [first, rest] = splitFirstSentence(error.message);
      const more = code === 'EXPR_UNKNOWN_IDENTIFIER' ? rest.replace(/\s*Expressions can read:[^.]*\.?/, '') : rest;
      out.push(finding(code, {
        ...base,
        message: `${where}: ${first}.`,
        hint: [more.trim(), hintFor(error.code, site)].filter(Boolean).join(' '),
        ...(error.offset !== undefined ? { offset: error.offset, text: site.text } : {}),
      }));
    }
    out.push(...referenceFindings(site, refs, ctx, base, stepIds, inputNames, varNames, where));
  }
  return out;
}

function referenceFindings(
  site: Site, refs: Refs, ctx: ValidateContext, base: { path: DocPath; stepId?: string },
  stepIds: string[], inputNames: string[], varNames: string[], where: string,
): Finding[] {
  const out: Finding[] = [];
  const reader = site.step;
  for (const ref of refs.steps) {
    const target = ctx.graph.byId.get(ref.name)?.[0];
    const at = ref.offset !== undefined ? { offset: ref.offset, text: site.text } : {};
    if (!target) {
      out.push(finding('UNKNOWN_STEP_REFERENCE', {
        ...base, ...at,
        message: `${where} reads steps.${ref.name}, but there is no step ${ref.name}.`,
        hint: `${didYouMean(ref.name, stepIds)}steps: ${listNames(stepIds)}`,
      }));
      continue;
    }
    if (!reader) continue;
    if (target === reader) {
      if (site.after) continue;
      out.push(finding('STEP_NOT_UPSTREAM', {
        ...base, ...at,
        message: `steps.${ref.name} is read by ${reader.step.id} itself, before ${reader.step.id} has run.`,
        hint: `read it in ${reader.step.id}'s outputs, or in a step that needs ${reader.step.id}`,
      }));
      continue;
    }
    if (site.after === 'body' && ctx.graph.contains(reader, target)) continue;
    if (ctx.graph.isUpstream(target, reader) !== false) continue;
    out.push(finding('STEP_NOT_UPSTREAM', {
      ...base, ...at,
      message: `steps.${ref.name} is read by ${reader.step.id} but ${ref.name} does not run before ${reader.step.id}.`,
      hint: upstreamHint(ctx, target, reader),
    }));
  }
  if (refs.inputs) {
    for (const ref of refs.inputs) {
      if (inputNames.includes(ref.name)) continue;
      out.push(finding('UNKNOWN_INPUT', {
        ...base, ...(ref.offset !== undefined ? { offset: ref.offset, text: site.text } : {}),
        message: `${where} reads inputs.${ref.name}, but the workflow declares no input ${ref.name}.`,
        hint: `${didYouMean(ref.name, inputNames)}${inputNames.length ? `inputs: ${listNames(inputNames)}; or ` : ''}declare it under inputs:, e.g. ${ref.name}: { type: string }`,
      }));
    }
  }
  if (refs.vars) {
    for (const ref of refs.vars) {
      if (varNames.includes(ref.name)) continue;
      out.push(finding('UNKNOWN_VAR', {
        ...base, ...(ref.offset !== undefined ? { offset: ref.offset, text: site.text } : {}),
        message: `${where} reads vars.${ref.name}, but the workflow declares no var ${ref.name}.`,
        hint: `${didYouMean(ref.name, varNames)}${varNames.length ? `vars: ${listNames(varNames)}; or ` : ''}declare it under vars:`,
      }));
    }
  }
  return out;
}

function upstreamHint(ctx: ValidateContext, target: StepEntry, reader: StepEntry): string {
  // Name the step of the reader's scope chain that should need the target (or its container).
  for (let cur: StepEntry | undefined = reader; cur; cur = cur.scope.owner) {
    let rep: StepEntry | undefined = target;
    while (rep && rep.scope !== cur.scope) rep = rep.scope.owner;
    if (rep && rep !== cur) {
      const via = rep === target ? target.step.id : `${rep.step.id} (the loop holding ${target.step.id})`;
      return cur === reader
        ? `add ${via} to ${reader.step.id}'s needs (directly or through an upstream step)`
        : `add ${via} to the needs of loop ${cur.step.id}, which holds ${reader.step.id} (directly or through an upstream step)`;
    }
  }
  if (ctx.graph.contains(target, reader)) return `${reader.step.id} is inside ${target.step.id}'s body, which runs before ${target.step.id} completes; read the body's own steps instead`;
  return `${target.step.id} is in the body of loop ${target.scope.owner?.step.id ?? '?'}, which does not run before ${reader.step.id}`;
}

/** "Step deploy's with.url", "vars.image", "triggers[1].if": the field, for messages. */
function describeSite(site: Site): string {
  if (!site.step) return formatPath(site.path);
  return `Step ${site.step.step.id}'s ${formatPath(site.path.slice(site.step.path.length))}`;
}

function hintFor(code: string, site: Site): string {
  switch (code) {
    case 'EXPR_UNKNOWN_IDENTIFIER': {
      const p = site.path;
      if (p[0] === 'vars') return 'vars are computed when the run starts, before any step: they can read inputs, run, trigger and secrets';
      if (p[0] === 'concurrency') return 'the concurrency group is computed before the run starts: it can read inputs, vars, run and trigger';
      if (p[0] === 'triggers') return site.roots.includes('event') ? "an event trigger's condition and inputs can read only event (the event that fired)" : "a trigger's inputs can read only trigger (the request or the schedule)";
      return site.roots.includes('loop')
        ? `steps can read ${listNames([...site.roots])}`
        : `steps can read ${listNames([...site.roots])}; loop exists only inside a loop body`;
    }
    case 'EXPR_SYNTAX':
      return site.kind === 'template' ? 'write templates as ${{ expression }}, e.g. ${{ inputs.name }}; a literal ${{ is written $${{' : 'check the CEL syntax, e.g. inputs.count > 3 && vars.env == "prod"';
    case 'EXPR_TYPE':
      return 'convert explicitly where types differ, e.g. string(inputs.count) or int(vars.n)';
    case 'EXPR_UNKNOWN_FUNCTION':
      return 'available: size, int, double, string, bool, type, timestamp, duration, has; methods contains, startsWith, endsWith, matches, indexOf, lastIndexOf, substring, split, lowerAscii, upperAscii, trim, join; macros all, exists, exists_one, map, filter, cel.bind';
    case 'EXPR_TOO_LONG': case 'EXPR_TOO_DEEP': case 'EXPR_TOO_COMPLEX':
      return 'split it into smaller expressions, e.g. compute parts in vars or in an earlier step\'s outputs';
    case 'EXPR_FORBIDDEN':
      return 'use another field or key name';
    case 'EXPR_REGEX':
      return 'matches() supports JavaScript regex syntax without backreferences or lookaround, e.g. matches("^v[0-9]+$")';
    default:
      return 'this is a bug in Switchyard: please report it with the expression';
  }
}

function splitFirstSentence(text: string): [string, string] {
  const m = /\.\s+(?=[A-Z'"])/.exec(text);
  const first = m ? text.slice(0, m.index) : text;
  return [first.replace(/[.\s]+$/, ''), m ? text.slice(m.index + m[0].length) : ''];
}
