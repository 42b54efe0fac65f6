// The validator's view of the expression layer (engine/expressions): compile an expression
// or a template with the roots allowed in its place, and list what it reads. Offsets are
// into `text` (the whole field value).
import {
  compileExpression, EXPRESSION_ROOTS, isTemplate, parseTemplate, type CompiledExpression, type ExpressionError,
} from '../expressions/index.ts';

/**
 * 'expression': CEL (a value that is exactly one `${{ … }}` is accepted as that expression,
 * GitHub-Actions style); 'template': text with optional `${{ }}`; 'expression-or-template':
 * a template when it contains `${{`, an expression otherwise (a loop's `over`).
 */
export type SourceKind = 'expression' | 'template' | 'expression-or-template';

export interface Ref {
  name: string;
  /** Where the reference starts in the text, when it could be found. */
  offset?: number;
}

export interface Refs {
  steps: Ref[];
  inputs: Ref[];
  vars: Ref[];
  /** steps[...] with a computed key: step references could not all be checked. */
  dynamicSteps: boolean;
}

export interface SourceCheck {
  errors: ExpressionError[];
  refs: Refs;
}

const ROOT_PATH = /^(inputs|vars)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\["((?:[^"\\]|\\.)*)"\])/;

function refsOf(parts: { expr: CompiledExpression; offset: number }[]): Refs {
  const refs: Refs = { steps: [], inputs: [], vars: [], dynamicSteps: false };
  const seen = new Set<string>();
  const locate = (source: string, offset: number, needles: string[]) => {
    for (const n of needles) {
      const at = source.search(new RegExp(`${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`));
      if (at >= 0) return offset + at;
    }
    return undefined;
  };
  const add = (list: Ref[], root: string, name: string, source: string, offset: number) => {
    const key = `${root}.${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const at = locate(source, offset, [`${root}.${name}`, `${root}["${name}"]`, `${root}['${name}']`]);
    list.push(at === undefined ? { name } : { name, offset: at });
  };
  for (const { expr, offset } of parts) {
    if (expr.dynamicSteps) refs.dynamicSteps = true;
    for (const id of expr.steps) add(refs.steps, 'steps', id, expr.source, offset);
    for (const path of expr.paths) {
      const m = ROOT_PATH.exec(path);
      if (!m) continue;
      const name = m[2] ?? JSON.parse(`"${m[3] ?? ''}"`) as string;
      add(m[1] === 'inputs' ? refs.inputs : refs.vars, m[1]!, name, expr.source, offset);
    }
  }
  return refs;
}

const NO_REFS: Refs = { steps: [], inputs: [], vars: [], dynamicSteps: false };

/** A value that is exactly `${{ … }}` around one expression (surrounding spaces allowed). */
function singleTemplate(text: string): boolean {
  const t = text.trim();
  return t.startsWith('${{') && t.endsWith('}}') && t.indexOf('${{', 3) < 0;
}

/**
 * cel-js reserves some words it was not told are variables ("loop"), so a root that exists
 * elsewhere but not here comes back as a syntax error; say what it is: an unknown identifier.
 */
function clarify(error: ExpressionError, roots: readonly string[]): ExpressionError {
  const reserved = error.code === 'EXPR_SYNTAX' ? /Reserved identifier: (\w+)/.exec(error.message)?.[1] : undefined;
  if (!reserved || !(EXPRESSION_ROOTS as readonly string[]).includes(reserved) || roots.includes(reserved)) return error;
  return { ...error, code: 'EXPR_UNKNOWN_IDENTIFIER', message: `Unknown identifier '${reserved}' here. Expressions can read: ${roots.join(', ')}.` };
}

export function checkSource(text: string, kind: SourceKind, roots: readonly string[]): SourceCheck {
  const asTemplate = kind === 'template' || (kind === 'expression-or-template' && isTemplate(text)) || (kind === 'expression' && singleTemplate(text));
  if (asTemplate) {
    if (!isTemplate(text)) return { errors: [], refs: NO_REFS };
    const parsed = parseTemplate(text, { roots });
    if (!parsed.ok) return { errors: parsed.errors.map((e) => clarify(e, roots)), refs: NO_REFS };
    return { errors: [], refs: refsOf(parsed.parts.flatMap((p) => (p.kind === 'expr' ? [{ expr: p.expr, offset: p.offset }] : []))) };
  }
  const compiled = compileExpression(text, { roots });
  if (!compiled.ok) return { errors: [clarify(compiled.error, roots)], refs: NO_REFS };
  return { errors: [], refs: refsOf([{ expr: compiled.expr, offset: 0 }]) };
}
