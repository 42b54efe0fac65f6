// A 2,000-step workflow: a chain, with a fan-out / join every 20 steps, every step reading
// the previous one's outputs in a template (so the upstream check runs for each).
import { expect, it } from 'vitest';
import type { Step } from '../../../../engine/format/schema.ts';
import { validate, wf } from './fixtures.ts';

function bigWorkflow(total: number): Step[] {
  const steps: Step[] = [];
  let prev: string | undefined;
  while (steps.length < total) {
    const i = steps.length;
    if (i % 20 === 0 && prev) {
      const fork = `fork_${i}`;
      steps.push({ id: fork, type: 'parallel', needs: [prev] });
      const branches = Array.from({ length: 5 }, (_, b) => `branch_${i}_${b}`);
      for (const id of branches) steps.push({ id, type: 'script', needs: [fork], with: { run: `echo \${{ steps.${prev}.outputs.x }} \${{ inputs.n }}` } });
      const join = `join_${i}`;
      steps.push({ id: join, type: 'join', needs: branches, with: { mode: 'n_of_m', count: 3 } });
      prev = join;
      continue;
    }
    const id = `s_${i}`;
    steps.push({ id, type: 'script', ...(prev ? { needs: [prev], if: `steps.${prev}.outcome != "x" && inputs.n > 0` } : {}), with: { run: `echo \${{ vars.v }} ${i}` } });
    prev = id;
  }
  return steps;
}

// Timing is printed, not asserted (CI machines vary); locally it is ~0.2 s.
it('validates 2,000 steps', () => {
  const workflow = wf(bigWorkflow(2000), { inputs: { n: { type: 'number' } }, vars: { v: 1 } });
  const started = performance.now();
  const ds = validate(workflow);
  const ms = performance.now() - started;
  console.log(`validated ${workflow.steps.length} steps in ${ms.toFixed(0)} ms`);
  expect(ds).toEqual([]);
});
