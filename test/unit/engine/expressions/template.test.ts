import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateTemplateValue,
  isTemplate,
  parseTemplate,
  renderTemplate,
  type TemplatePart,
} from '../../../../engine/expressions/index.ts';
import { ctx } from './helpers.ts';

function parts(text: string): TemplatePart[] {
  const parsed = parseTemplate(text);
  if (!parsed.ok) throw new Error(`expected ${text} to parse, got ${JSON.stringify(parsed.errors)}`);
  return parsed.parts;
}

function render(text: string, context = ctx): string {
  const result = renderTemplate(text, context);
  if (!result.ok) throw new Error(`expected ${text} to render, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function parseErrors(text: string) {
  const parsed = parseTemplate(text);
  if (parsed.ok) throw new Error(`expected ${text} not to parse`);
  return parsed.errors;
}

describe('parseTemplate', () => {
  it('splits text and expressions, with offsets into the text', () => {
    const text = './deploy.sh ${{ inputs.env }} --tag ${{ vars.image }}';
    const p = parts(text);
    expect(p.map((x) => x.kind)).toEqual(['text', 'expr', 'text', 'expr']);
    expect(p[0]).toEqual({ kind: 'text', value: './deploy.sh ' });
    const first = p[1]!;
    if (first.kind !== 'expr') throw new Error('expected an expression');
    expect(first.source).toBe(' inputs.env ');
    expect(text.slice(first.offset, first.offset + first.source.length)).toBe(' inputs.env ');
    expect(text.slice(first.start, first.end)).toBe('${{ inputs.env }}');
    expect(first.expr.source).toBe(' inputs.env ');
  });

  it('is not fooled by }} inside string literals or map literals', () => {
    expect(render('${{ "}}" }}')).toBe('}}');
    expect(render("a${{ '}}' + \"x\" }}b")).toBe('a}}xb');
    expect(render('${{ """multi }} line""" }}')).toBe('multi }} line');
    expect(render('${{ r"\\}}" }}')).toBe('\\}}');
    expect(render('${{ {"a": {"b": 1}} }}')).toBe('{"a":{"b":1}}');
    expect(render('${{ "${{ not a template }}" }}')).toBe('${{ not a template }}');
    expect(render('x }} y {{ z')).toBe('x }} y {{ z');
  });

  it('treats $${{ as an escaped literal ${{', () => {
    expect(render('echo $${{ inputs.env }}')).toBe('echo ${{ inputs.env }}');
    expect(render('$${{ a }} and ${{ inputs.env }}')).toBe('${{ a }} and prod');
    expect(render('cost: $$5 and $')).toBe('cost: $$5 and $');
    expect(isTemplate('echo $${{ inputs.env }}')).toBe(false);
    expect(render('${{ "$" }}${{ inputs.count }}')).toBe('$3');
  });

  it('reports unterminated, empty and nested expressions at the opening ${{', () => {
    const text = 'hello ${{ inputs.env ';
    expect(parseErrors(text)).toEqual([expect.objectContaining({ code: 'EXPR_SYNTAX', offset: 6, message: expect.stringMatching(/Unterminated/) })]);
    expect(parseErrors('a ${{ "}} }}')[0]).toMatchObject({ code: 'EXPR_SYNTAX', offset: 2, message: expect.stringMatching(/string literal at offset 6/) });
    expect(parseErrors('x ${{   }} y')[0]).toMatchObject({ code: 'EXPR_SYNTAX', offset: 2, message: expect.stringMatching(/Empty/) });
    expect(parseErrors('${{ a ${{ b }} }}')[0]).toMatchObject({ code: 'EXPR_SYNTAX', offset: 6, message: expect.stringMatching(/nested/) });
  });

  it('reports expression errors with offsets into the template text, all of them', () => {
    const text = 'a ${{ inputs.count > }} b ${{ input.x }}';
    const errors = parseErrors(text);
    expect(errors.map((e) => e.code)).toEqual(['EXPR_SYNTAX', 'EXPR_UNKNOWN_IDENTIFIER']);
    expect(errors[0]!.offset).toBe(text.indexOf('}}'));
    expect(text.slice(errors[1]!.offset, errors[1]!.end)).toBe('input');
  });

  it('honours root restrictions', () => {
    const parsed = parseTemplate('${{ secrets.token }}', { roots: ['inputs'] });
    expect(parsed).toMatchObject({ ok: false, errors: [{ code: 'EXPR_UNKNOWN_IDENTIFIER', offset: 4 }] });
  });
});

describe('isTemplate', () => {
  it.each([
    ['plain text', false],
    ['${{ x }}', true],
    ['a ${{', true],
    ['$${{ x }}', false],
    ['$${{ x }} ${{ y }}', true],
    ['${ x }', false],
    ['{{ x }}', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(isTemplate(text)).toBe(expected);
  });
});

describe('renderTemplate', () => {
  it('renders scalars plainly, null as empty, lists and maps as JSON', () => {
    expect(render('n=${{ inputs.count }} c=${{ inputs.confidence }} ok=${{ steps.check.outputs.ok }}')).toBe('n=3 c=0.9 ok=true');
    expect(render('[${{ inputs.nothing }}]')).toBe('[]');
    expect(render('${{ inputs.items }}')).toBe('["a","b","c"]');
    expect(render('body: ${{ inputs.nested }}')).toBe('body: {"a":1,"b":{"c":true}}');
    expect(render('${{ inputs.count + 1 }}')).toBe('4');
    expect(render('${{ 7 / 2 }} ${{ inputs.total / 2 }}')).toBe('3 3.5');
  });

  it('renders a parsed template many times', () => {
    const parsed = parseTemplate('run #${{ run.number }} of ${{ run.workflow }}');
    if (!parsed.ok) throw new Error('parse failed');
    expect(renderTemplate(parsed, ctx)).toEqual({ ok: true, value: 'run #42 of deploy' });
    expect(renderTemplate(parsed, { run: { number: 43, workflow: 'x' } })).toEqual({ ok: true, value: 'run #43 of x' });
  });

  it('returns evaluation errors with offsets into the template', () => {
    const text = 'deploy ${{ steps.build.outputs.url }}';
    const result = renderTemplate(text, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'EXPR_MISSING_FIELD', path: 'steps.build.outputs.url' } });
    if (result.ok) return;
    expect(text.slice(result.error.offset, result.error.end)).toBe('url');
  });

  it('returns parse errors for unparsed text', () => {
    expect(renderTemplate('a ${{', ctx)).toMatchObject({ ok: false, error: { code: 'EXPR_SYNTAX', offset: 2 } });
  });

  it('round-trips text without ${{ (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('$', '{', '}', '"', "'", '\\', 'a', ' ', '\n') })).filter((s) => !s.includes('${{')),
        (s) => {
          const parsed = parseTemplate(s);
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          expect(renderTemplate(parsed, {})).toEqual({ ok: true, value: s });
          expect(isTemplate(s)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('escapes round-trip: replacing ${{ by $${{ renders the original text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', 'x', ' ') }), (s) => {
        // Escape every ${{ that the scanner would see, left to right.
        const escaped = s.replaceAll('${{', () => '$${{'); // a function: '$$' is special in replacement strings
        if (escaped.includes('$$${{')) return; // "$" + escaped "${{" is ambiguous by design
        expect(renderTemplate(escaped, {})).toEqual({ ok: true, value: s });
      }),
      { numRuns: 500 },
    );
  });
});

describe('evaluateTemplateValue', () => {
  it('gives the typed value for a single whole-string expression', () => {
    expect(evaluateTemplateValue('${{ inputs.count }}', ctx)).toEqual({ ok: true, value: 3 });
    expect(evaluateTemplateValue('${{inputs.confidence > 0.5}}', ctx)).toEqual({ ok: true, value: true });
    expect(evaluateTemplateValue('${{ inputs.items }}', ctx)).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(evaluateTemplateValue('${{ inputs.nothing }}', ctx)).toEqual({ ok: true, value: null });
    expect(evaluateTemplateValue('${{ {"n": inputs.count} }}', ctx)).toEqual({ ok: true, value: { n: 3 } });
  });

  it('gives a string as soon as there is any surrounding text', () => {
    expect(evaluateTemplateValue(' ${{ inputs.count }}', ctx)).toEqual({ ok: true, value: ' 3' });
    expect(evaluateTemplateValue('${{ inputs.count }}${{ inputs.count }}', ctx)).toEqual({ ok: true, value: '33' });
    expect(evaluateTemplateValue('plain', ctx)).toEqual({ ok: true, value: 'plain' });
    expect(evaluateTemplateValue('$${{ x }}', ctx)).toEqual({ ok: true, value: '${{ x }}' });
    expect(evaluateTemplateValue('', ctx)).toEqual({ ok: true, value: '' });
  });

  it('shifts error offsets into the template text', () => {
    const result = evaluateTemplateValue('${{ inputs.count.x }}', ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'EXPR_MISSING_FIELD', offset: 17 } });
  });
});
