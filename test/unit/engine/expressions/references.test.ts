import { describe, expect, it } from 'vitest';
import {
  parseTemplate,
  referencedPaths,
  referencedRoots,
  referencedSteps,
  usesDynamicStepAccess,
} from '../../../../engine/expressions/index.ts';
import { compileOk } from './helpers.ts';

const steps = (source: string): string[] => [...referencedSteps(compileOk(source))].sort();

describe('referencedSteps', () => {
  it.each([
    ['steps.check.outputs.ok', ['check']],
    ['steps["check"].outputs.ok', ['check']],
    ["steps['build-1'].status == 'succeeded'", ['build-1']],
    ['steps.a.outputs.x > 1 && steps.b.status == "failed" || steps.a.outputs.y', ['a', 'b']],
    ['has(steps.maybe.outputs.x)', ['maybe']],
    ['steps.a.outputs.items.map(i, i + steps.b.outputs.suffix)', ['a', 'b']],
    ['[1].map(steps, steps + 1)', []], // a macro variable named steps is not the root
    ['cel.bind(s, steps.a, s.outputs.x + steps.b.outputs.y)', ['a', 'b']],
    ['"steps.fake.outputs" == inputs.x', []], // string contents are not references
    ['inputs.steps.x', []],
    ['size(steps.a.outputs.list) > 0 ? steps.b.outputs.v : steps.c.outputs.v', ['a', 'b', 'c']],
    ['{"k": steps.a.outputs.v}', ['a']],
    ['steps.a.outputs[steps.b.outputs.key]', ['a', 'b']],
    ['inputs.flag', []],
  ])('%s → %j', (source, expected) => {
    expect(steps(source)).toEqual(expected);
  });

  it('flags dynamic step access, which cannot be checked statically', () => {
    expect(usesDynamicStepAccess(compileOk('steps[inputs.which].status'))).toBe(true);
    expect(usesDynamicStepAccess(compileOk('size(steps) > 2'))).toBe(true);
    expect(usesDynamicStepAccess(compileOk('steps.a.status'))).toBe(false);
    expect(steps('steps[inputs.which].status')).toEqual([]);
  });

  it('works across every expression of a template', () => {
    const parsed = parseTemplate('${{ steps.a.outputs.url }}/${{ steps.b.outputs.path }}?v=${{ inputs.v }}');
    if (!parsed.ok) throw new Error('parse failed');
    expect([...referencedSteps(parsed)].sort()).toEqual(['a', 'b']);
    expect([...referencedRoots(parsed)].sort()).toEqual(['inputs', 'steps']);
    expect(referencedPaths(parsed)).toEqual(['steps.a.outputs.url', 'steps.b.outputs.path', 'inputs.v']);
  });
});

describe('referencedRoots', () => {
  it('lists the free roots only', () => {
    expect([...referencedRoots(compileOk('inputs.a && vars.b == run.id && loop.index > 0'))].sort()).toEqual(['inputs', 'loop', 'run', 'vars']);
    expect([...referencedRoots(compileOk('[1, 2].all(inputs, inputs > 0)'))]).toEqual([]);
    expect([...referencedRoots(compileOk('1 + 2'))]).toEqual([]);
  });
});

describe('referencedPaths', () => {
  it.each([
    ['steps.check.outputs.ok && inputs.confidence > 0.8', ['steps.check.outputs.ok', 'inputs.confidence']],
    ['trigger.headers["content-type"]', ['trigger.headers["content-type"]']],
    ['inputs.items[0].name', ['inputs.items[0].name']],
    ['inputs.items[inputs.i].name', ['inputs.items', 'inputs.i']],
    ['inputs.name.startsWith("x")', ['inputs.name']],
    ['inputs.a.b == inputs.a.b', ['inputs.a.b']],
    ['loop.item', ['loop.item']],
    ['vars', ['vars']],
  ])('%s → %j', (source, expected) => {
    expect(referencedPaths(compileOk(source))).toEqual(expected);
  });
});
