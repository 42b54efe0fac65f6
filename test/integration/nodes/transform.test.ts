// The transform node through the engine: its outputs arrive evaluated — an expression keeps
// its type, other strings are templates — and later steps read them.
import { describe, expect, it } from 'vitest';
import { useNodeServer } from './harness.ts';

describe('transform node', () => {
  const nodes = useNodeServer();

  it('outputs evaluated expressions that later steps can use', async () => {
    const run = await nodes.run([
      '  - id: a',
      '    type: transform',
      '    with: { outputs: { n: 41, items: [1, 2, 3] } }',
      '  - id: b',
      '    type: transform',
      '    needs: [a]',
      '    with:',
      '      outputs:',
      '        total: ${{ steps.a.outputs.n + 1 }}',
      '        count: ${{ size(steps.a.outputs.items) }}',
      '        label: n is ${{ steps.a.outputs.n }}',
      '        nested: { first: "${{ steps.a.outputs.items[0] }}" }',
      '',
    ].join('\n'));
    expect(run.status).toBe('completed');
    expect(nodes.step(run, 'a').output).toEqual({ n: 41, items: [1, 2, 3] });
    expect(nodes.step(run, 'b').output).toEqual({ total: 42, count: 3, label: 'n is 41', nested: { first: 1 } });
  });

  it('fails the step, without retrying, when an expression cannot be evaluated', async () => {
    const run = await nodes.run('  - id: a\n    type: transform\n    with: { outputs: { x: "${{ 1 / 0 }}" } }\n    retry: { attempts: 3, initial: 10ms }\n');
    expect(run.status).toBe('failed');
    expect(nodes.step(run, 'a')).toMatchObject({ attempt: 1, error: { retryable: false, message: expect.stringContaining('with.outputs.x') } });
  });
});
