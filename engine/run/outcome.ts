// A finished attempt becomes journal entries: completed (with its declared outputs), retrying
// (with its due time) or failed — and, when final, whatever its failure policy says.
import { evaluateTemplateValue, parseTemplate, renderTemplate, type ParsedTemplate } from '../expressions/index.ts';
import type { NodeDefinition } from '../nodes/define-node.ts';
import { Builder, exprError, expressionData, isRecord, type Decision, type SchedulerOptions, type StepResult } from './decision.ts';
import type { StepError } from './events.ts';
import { applyFailurePolicy } from './failure.ts';
import type { PlanNode, RunPlan } from './plan.ts';
import { retryDelayMs } from './retry.ts';
import { stepKey, TERMINAL_RUN, type RunState } from './state.ts';

/** The journal entries for a finished attempt. Call decide() afterwards for what follows. */
export function stepFinished(plan: RunPlan, state: RunState, result: StepResult, opts: SchedulerOptions): Decision {
  const b = new Builder(state, opts.owned);
  const iteration = result.iteration ?? '';
  const node = plan.nodes.get(result.step);
  const current = b.state.steps.get(stepKey(result.step, iteration));
  // A late report for an attempt that is no longer the live one changes nothing.
  if (!node || current?.status !== 'running' || current.attempt !== result.attempt) return b;

  const input = result.input === undefined ? {} : { input: recordedInput(result.input) };
  if (result.ok) {
    const outputs = declaredOutputs(plan, node, iteration, result.output, b.state, opts);
    const error = outputs.ok ? outputTooLarge(node.id, outputs.value) : outputs.error;
    if (!outputs.ok || error) {
      const e = outputs.ok ? error! : outputs.error;
      b.emit({ type: 'step.failed', step: node.id, iteration, attempt: result.attempt, error: e, ...input });
      applyFailurePolicy(plan, b, node, e);
      return b;
    }
    const summary = stepSummary(node, outputs.value, result.input);
    b.emit({ type: 'step.completed', step: node.id, iteration, attempt: result.attempt, output: outputs.value, port: 'out', ...input, ...(summary ? { summary } : {}) });
    return b;
  }
  const stopping = b.state.status === 'cancelling' || TERMINAL_RUN.has(b.state.status) || (b.state.status === 'compensating' && !node.isCompensation);
  if (result.aborted || stopping) {
    b.emit({ type: 'step.cancelled', step: node.id, iteration, reason: result.error.message });
    return b;
  }
  const delay = result.error.retryable ? retryDelayMs(node.step.retry, result.attempt, opts.random) : undefined;
  if (delay !== undefined) {
    const retryAt = new Date(opts.now.getTime() + delay).toISOString();
    b.emit({ type: 'step.failed', step: node.id, iteration, attempt: result.attempt, error: result.error, retryAt, ...input });
    b.actions.push({ kind: 'wake', at: retryAt });
    return b;
  }
  b.emit({ type: 'step.failed', step: node.id, iteration, attempt: result.attempt, error: result.error, ...input });
  applyFailurePolicy(plan, b, node, result.error);
  return b;
}

/**
 * Outputs live in the journal and are copied into every later step's expression data, so they
 * are capped: big results belong in the run's workspace (or an artifact), with a path in the
 * output. Inputs are records of what ran, so an oversized one is summarised, not refused.
 */
export const MAX_STEP_OUTPUT_BYTES = 1024 * 1024;

function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value) ?? '';
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most values are clearly small, so skip encoding.
  return text.length * 3 <= MAX_STEP_OUTPUT_BYTES ? text.length : new TextEncoder().encode(text).length;
}

function outputTooLarge(step: string, output: unknown): StepError | undefined {
  const bytes = jsonBytes(output);
  if (bytes <= MAX_STEP_OUTPUT_BYTES) return undefined;
  return {
    code: 'OUTPUT_TOO_LARGE', retryable: false,
    message: `Step ${step} returned ${(bytes / 1048576).toFixed(1)} MiB of output; the limit is ${MAX_STEP_OUTPUT_BYTES / 1048576} MiB. Write large results to a file in the run's workspace and return its path.`,
  };
}

// A node type's summary template, parsed once (a run completes many steps of few types).
const summaries = new WeakMap<NodeDefinition, ParsedTemplate | null>();
function summaryTemplate(def: NodeDefinition): ParsedTemplate | null {
  let t = summaries.get(def);
  if (t === undefined) {
    const parsed = parseTemplate(def.summary ?? '', { roots: ['config'] });
    t = parsed.ok ? { parts: parsed.parts } : null;
    summaries.set(def, t);
  }
  return t;
}

/** The output's own `summary` line if it has one, else the node type's summary of the config it ran with. */
function stepSummary(node: PlanNode, output: unknown, input: unknown): string | undefined {
  let text: string | undefined;
  if (isRecord(output) && typeof output.summary === 'string') text = output.summary;
  else if (node.def.summary && isRecord(input)) {
    const template = summaryTemplate(node.def);
    const r = template ? renderTemplate(template, { config: input }, { roots: ['config'] }) : undefined;
    if (r?.ok) text = r.value;
  }
  text = text?.replace(/\s+/g, ' ').trim();
  return text ? (text.length > 200 ? `${text.slice(0, 199)}…` : text) : undefined;
}

function recordedInput(input: unknown): unknown {
  const bytes = jsonBytes(input);
  return bytes <= MAX_STEP_OUTPUT_BYTES ? input : { truncated: true, bytes };
}

/** `outputs:` templates over the step's own result (readable as steps.<self>.outputs). */
function declaredOutputs(plan: RunPlan, node: PlanNode, iteration: string, raw: unknown, state: RunState, opts: SchedulerOptions): { ok: true; value: unknown } | { ok: false; error: StepError } {
  const templates = node.step.outputs;
  if (!templates) return { ok: true, value: raw };
  const data = expressionData(state, opts.base, { plan, step: node.id, iteration });
  const steps = { ...(data.steps as Record<string, unknown>), [node.id]: { status: 'completed', outputs: isRecord(raw) ? raw : {} } };
  const ctx = { ...data, steps };
  const value: Record<string, unknown> = isRecord(raw) ? { ...raw } : {};
  for (const [name, template] of Object.entries(templates)) {
    const r = template.includes('${{') ? evaluateTemplateValue(template, ctx) : renderTemplate(template, ctx);
    if (!r.ok) return { ok: false, error: exprError(`outputs.${name}: ${r.error.message}`, r.error.code) };
    value[name] = r.value;
  }
  return { ok: true, value };
}
