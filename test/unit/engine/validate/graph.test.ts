import { describe, expect, it } from 'vitest';
import { buildGraph, parseNeed, type StepEntry } from '../../../../engine/validate/graph.ts';
import { editDistance, closest } from '../../../../engine/validate/suggest.ts';
import { sh, wf } from './fixtures.ts';

const loop = (id: string, steps: ReturnType<typeof sh>[], needs?: string[]) => ({ id, type: 'loop', with: { until: 'true', max_iterations: 2 }, steps, ...(needs ? { needs } : {}) });

describe('graph', () => {
  const w = wf([
    sh('a'),
    sh('b', { needs: ['a'] }),
    loop('outer', [
      sh('o1'),
      loop('inner', [sh('i1'), sh('i2', { needs: ['i1'] })], ['o1']),
      sh('o2', { needs: ['inner'] }),
    ], ['b']),
    sh('c', { needs: ['outer'] }),
    sh('d'),
  ]);
  const g = buildGraph(w);
  const e = (id: string): StepEntry => g.byId.get(id)![0]!;

  it('lists every step in document order with its path', () => {
    expect(g.entries.map((x) => x.step.id)).toEqual(['a', 'b', 'outer', 'o1', 'inner', 'i1', 'i2', 'o2', 'c', 'd']);
    expect(e('i2').path).toEqual(['steps', 2, 'steps', 1, 'steps', 1]);
    expect(g.scopes).toHaveLength(3);
  });

  it('answers "does x run before s" across scopes', () => {
    expect(g.isUpstream(e('a'), e('c'))).toBe(true);
    expect(g.isUpstream(e('d'), e('c'))).toBe(false);
    expect(g.isUpstream(e('a'), e('i2'))).toBe(true); // through outer's needs
    expect(g.isUpstream(e('o1'), e('i1'))).toBe(true); // through inner's needs
    expect(g.isUpstream(e('i1'), e('i2'))).toBe(true);
    expect(g.isUpstream(e('i2'), e('i1'))).toBe(false);
    expect(g.isUpstream(e('i2'), e('o2'))).toBe(true); // inner finished before o2
    expect(g.isUpstream(e('i2'), e('c'))).toBe(true);
    expect(g.isUpstream(e('o2'), e('i1'))).toBe(false);
    expect(g.isUpstream(e('outer'), e('i1'))).toBe(false); // its own container
  });

  it('orders each scope topologically', () => {
    expect(g.top.topo.map((i) => g.top.entries[i]!.step.id)).toEqual(['a', 'd', 'b', 'outer', 'c']);
    expect(g.contains(e('outer'), e('i2'))).toBe(true);
    expect(g.contains(e('inner'), e('o2'))).toBe(false);
  });

  it('finds cycles and what is stuck behind them', () => {
    const c = buildGraph(wf([sh('x', { needs: ['z'] }), sh('y', { needs: ['x'] }), sh('z', { needs: ['y'] }), sh('after', { needs: ['z'] }), sh('free')]));
    expect(c.top.cycles.map((cy) => cy.path)).toEqual([[0, 1, 2]]);
    expect([...c.top.blocked]).toEqual([3]);
    expect(c.isUpstream(c.byId.get('x')![0]!, c.byId.get('after')![0]!)).toBeUndefined();
  });

  it('parses needs', () => {
    expect(parseNeed('check.true')).toEqual({ step: 'check', port: 'true' });
    expect(parseNeed('build')).toEqual({ step: 'build' });
  });
});

describe('suggestions', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('biuld', 'build')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closest('scrpit', ['script', 'http'])).toBe('script');
    expect(closest('zz', ['a', 'b'])).toBeUndefined();
  });
});
