// String templates: any string field may embed `${{ <CEL expression> }}` (GitHub-Actions-like).
//
//   "./deploy.sh ${{ inputs.env }} --tag ${{ vars.image }}"
//
// Scanning rules:
//   - `${{` opens an expression; it ends at the first `}}` that is outside string literals and
//     not closing a `{…}` map literal — so `${{ "}}" }}` and `${{ {"a": {"b": 1}} }}` work.
//     CEL's `//` comments are not special to the scanner: a `}}` inside one still ends the
//     expression (templates are one-liners in practice).
//   - Escape: `$${{` produces a literal `${{` and nothing after it is treated as an expression
//     until the next unescaped `${{`. (A literal "$" right before an expression is written
//     `${{ "$" }}${{ x }}`.) Nothing else is an escape: `$$`, `}}`, `{{` are literal text.
//   - Unterminated `${{`, an empty `${{ }}`, and `${{` nested inside an expression are errors
//     with the offset of the offending `${{` (offsets are into the template text).
//
// Rendering: strings as-is, null as "", other scalars plainly, lists/maps as JSON. A template
// that is exactly one `${{ expr }}` (no text around it, not even spaces) evaluates to the raw
// typed value with evaluateTemplateValue, so `count: "${{ inputs.n }}"` can yield a number.

import { compileExpression, evaluateExpression, type CompileOptions, type CompiledExpression, type EvaluateOptions, type EvaluationResult, type ExpressionContext } from './expression.ts';
import { exprError, shiftError, type ExpressionError } from './errors.ts';
import { skipString } from './lexing.ts';
import { stringifyForTemplate } from './values.ts';

const OPEN = '${{';
const ESCAPED_OPEN = '$${{';

export type TemplatePart =
  | { kind: 'text'; value: string }
  | {
      kind: 'expr';
      /** The text between `${{` and `}}`, untrimmed. */
      source: string;
      /** Offset of `source` in the template text (add it to the expression's error offsets). */
      offset: number;
      /** Offset of the opening `${{`. */
      start: number;
      /** Offset just past the closing `}}`. */
      end: number;
      expr: CompiledExpression;
    };

export interface ParsedTemplate {
  readonly parts: readonly TemplatePart[];
}

export type TemplateParseResult = { ok: true; parts: TemplatePart[] } | { ok: false; errors: ExpressionError[] };

type Segment = { kind: 'text'; value: string } | { kind: 'expr'; source: string; offset: number; start: number; end: number };

/** True when `text` contains at least one (unescaped) `${{`, i.e. it is not plain text. */
export function isTemplate(text: string): boolean {
  if (typeof text !== 'string' || !text.includes(OPEN)) return false;
  let i = 0;
  while (i < text.length) {
    if (text.startsWith(ESCAPED_OPEN, i)) i += ESCAPED_OPEN.length;
    else if (text.startsWith(OPEN, i)) return true;
    else i++;
  }
  return false;
}

export function parseTemplate(text: string, opts: CompileOptions = {}): TemplateParseResult {
  if (typeof text !== 'string') return { ok: false, errors: [exprError('EXPR_SYNTAX', 'A template must be a string.')] };
  const { segments, errors } = scan(text);
  const parts: TemplatePart[] = [];
  for (const seg of segments) {
    if (seg.kind === 'text') {
      parts.push(seg);
      continue;
    }
    const compiled = compileExpression(seg.source, opts);
    if (compiled.ok) parts.push({ ...seg, expr: compiled.expr });
    else errors.push(shiftError(compiled.error, seg.offset));
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, parts };
}

function scan(text: string): { segments: Segment[]; errors: ExpressionError[] } {
  const segments: Segment[] = [];
  const errors: ExpressionError[] = [];
  let literal = '';
  let i = 0;
  const flush = (): void => {
    if (literal !== '') segments.push({ kind: 'text', value: literal });
    literal = '';
  };

  while (i < text.length) {
    if (text.startsWith(ESCAPED_OPEN, i)) {
      literal += OPEN;
      i += ESCAPED_OPEN.length;
      continue;
    }
    if (!text.startsWith(OPEN, i)) {
      // Copy the run of plain text up to the next `$` in one go.
      const next = text.indexOf('$', i + 1);
      const stop = next === -1 ? text.length : next;
      literal += text.slice(i, stop);
      i = stop;
      continue;
    }

    const start = i;
    const offset = start + OPEN.length;
    const found = findExpressionEnd(text, offset);
    if (found.kind === 'unterminated') {
      const why = found.openQuote !== undefined ? ` (the string literal at offset ${found.openQuote} is never closed)` : '';
      errors.push(exprError('EXPR_SYNTAX', `Unterminated template expression: '\${{' at offset ${start} has no matching '}}'${why}.`, { offset: start, end: text.length }));
      return { segments, errors };
    }
    const end = found.close + 2;
    const source = text.slice(offset, found.close);
    if (found.nested !== undefined) {
      errors.push(exprError('EXPR_SYNTAX', `Templates cannot be nested: '\${{' inside an expression. Use string concatenation, e.g. \${{ "a-" + inputs.x }}.`, { offset: found.nested, end: found.nested + OPEN.length }));
    } else if (source.trim() === '') {
      errors.push(exprError('EXPR_SYNTAX', `Empty template expression '\${{ }}'.`, { offset: start, end }));
    } else {
      flush();
      segments.push({ kind: 'expr', source, offset, start, end });
    }
    i = end;
  }
  flush();
  return { segments, errors };
}

type EndResult = { kind: 'closed'; close: number; nested?: number } | { kind: 'unterminated'; openQuote?: number };

/** Finds the `}}` closing an expression that starts at `from`, skipping strings and map braces. */
function findExpressionEnd(text: string, from: number): EndResult {
  let depth = 0;
  let nested: number | undefined;
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const closeAt = skipString(text, i);
      if (closeAt === -1) return { kind: 'unterminated', openQuote: i };
      i = closeAt;
      continue;
    }
    if (c === '$' && text.startsWith(OPEN, i)) {
      nested ??= i;
      i += 1;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth > 0) depth--;
      else if (text[i + 1] === '}') return nested === undefined ? { kind: 'closed', close: i } : { kind: 'closed', close: i, nested };
    }
    i++;
  }
  return { kind: 'unterminated' };
}

function asParsed(template: string | ParsedTemplate, opts: CompileOptions): { ok: true; parts: readonly TemplatePart[] } | { ok: false; error: ExpressionError } {
  if (typeof template !== 'string') return { ok: true, parts: template.parts };
  const parsed = parseTemplate(template, opts);
  if (parsed.ok) return parsed;
  return { ok: false, error: parsed.errors[0]! };
}

/** Renders the template to a string. Accepts the text (parsed on the fly) or a parseTemplate result. */
export function renderTemplate(template: string | ParsedTemplate, context: ExpressionContext, opts: CompileOptions & EvaluateOptions = {}): EvaluationResult<string> {
  const parsed = asParsed(template, opts);
  if (!parsed.ok) return parsed;
  let out = '';
  for (const part of parsed.parts) {
    if (part.kind === 'text') {
      out += part.value;
      continue;
    }
    const result = evaluateExpression(part.expr, context, opts);
    if (!result.ok) return { ok: false, error: shiftError(result.error, part.offset) };
    out += stringifyForTemplate(result.value);
  }
  return { ok: true, value: out };
}

/**
 * The value of a string field: a template that is exactly one `${{ expr }}` gives the
 * expression's typed value (number, boolean, list, map, null); anything else renders to a string.
 */
export function evaluateTemplateValue(template: string | ParsedTemplate, context: ExpressionContext, opts: CompileOptions & EvaluateOptions = {}): EvaluationResult {
  const parsed = asParsed(template, opts);
  if (!parsed.ok) return parsed;
  const [only] = parsed.parts;
  if (parsed.parts.length === 1 && only?.kind === 'expr') {
    const result = evaluateExpression(only.expr, context, opts);
    return result.ok ? result : { ok: false, error: shiftError(result.error, only.offset) };
  }
  return renderTemplate({ parts: parsed.parts }, context, opts);
}
