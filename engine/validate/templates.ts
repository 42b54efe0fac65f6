// How a config string relates to `${{ }}` templates, for the config check. A value that is
// exactly one `${{ expr }}` (no text around it, not even spaces) evaluates to the expression's
// typed value, so its runtime type is unknown statically; a string with text around a
// template is still a string, but its content is unknown. Decided without compiling: a
// syntax error in the template is the expression check's to report.
import { isTemplate } from '../expressions/index.ts';

export type TemplateShape = 'none' | 'whole' | 'partial';

export function templateShape(value: unknown): TemplateShape {
  if (typeof value !== 'string' || !isTemplate(value)) return 'none';
  const opens = value.split('${{').length - 1 - (value.split('$${{').length - 1);
  return opens === 1 && value.startsWith('${{') && value.endsWith('}}') ? 'whole' : 'partial';
}
