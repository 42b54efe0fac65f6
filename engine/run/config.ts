// A step's config as its node receives it: every `${{ … }}` template in `with` rendered
// against the run's data (a field that is exactly one template keeps its type), then parsed
// by the node's schema, which fills in defaults.
import { evaluateTemplateValue, isTemplate, type ExpressionContext } from '../expressions/index.ts';
import type { StepError } from './events.ts';
import type { PlanNode } from './plan.ts';

type Rendered = { ok: true; value: unknown } | { ok: false; error: StepError };

function render(value: unknown, data: ExpressionContext, path: string): Rendered {
  if (typeof value === 'string') {
    if (!isTemplate(value)) return { ok: true, value };
    const r = evaluateTemplateValue(value, data);
    return r.ok ? r : { ok: false, error: { code: r.error.code, message: `with.${path}: ${r.error.message}`, retryable: false } };
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [i, v] of value.entries()) {
      const r = render(v, data, `${path}[${i}]`);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return { ok: true, value: out };
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = render(v, data, path ? `${path}.${k}` : k);
      if (!r.ok) return r;
      out[k] = r.value;
    }
    return { ok: true, value: out };
  }
  return { ok: true, value };
}

/** `data` is built only when the config has a template to render (most data is O(steps) to build). */
function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return isTemplate(value);
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (value && typeof value === 'object') return Object.values(value).some(hasTemplate);
  return false;
}

export function resolveConfig(node: PlanNode, data: ExpressionContext | (() => ExpressionContext)): { ok: true; config: Record<string, unknown> } | { ok: false; error: StepError } {
  const get = typeof data === 'function' ? data : () => data;
  const rendered = hasTemplate(node.step.with) ? render(node.step.with ?? {}, get(), '') : { ok: true as const, value: node.step.with ?? {} };
  if (!rendered.ok) return rendered;
  const parsed = node.def.config.safeParse(rendered.value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, error: { code: 'INVALID_CONFIG', message: `with.${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'} (after rendering templates)`, retryable: false } };
  }
  return { ok: true, config: parsed.data as Record<string, unknown> };
}
