import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { expressionSchema } from '../../engine/format/schema.ts';
import { exactlyOneOf, requiredField, withRule } from '../config-rules.ts';

const config = z.strictObject({
  over: z.string().min(1).max(4000).optional()
    .meta({ description: 'The list to iterate: a template or expression, e.g. "${{ inputs.files }}". Each iteration sees `loop.item` and `loop.index`.' }),
  parallelism: z.number().int().min(1).max(100).default(1)
    .meta({ description: 'How many items run at once (loops over a list only).' }),
  until: expressionSchema.optional()
    .meta({ description: 'CEL condition checked after each iteration; the loop stops when it is true, e.g. steps.test.outputs.passed.' }),
  // No default on purpose: the canvas stays acyclic only because every loop is bounded, and
  // the bound should be a decision the author makes, not one they inherit.
  max_iterations: requiredField(
    z.number().int().min(1).max(1000)
      .meta({ description: 'Hard upper bound on iterations (1–1000). Required: every run must stay bounded. A longer list, or an until-loop still false after this many iterations, fails the step.' }),
    'a loop needs max_iterations (1–1000): every loop must be bounded, e.g. max_iterations: 3',
  ),
});

const oneMode = exactlyOneOf(config, ['over', 'until'], 'a loop needs exactly one of `over` (iterate a list) or `until` (repeat until a condition holds)');

// Iterations of an until-loop depend on each other (each one decides whether there is a
// next), so running them side by side has no meaning.
const loopConfig = withRule(oneMode, {
  check: (c) => (c.until !== undefined && (c.parallelism as number) > 1 ? { message: 'parallelism applies only to loops `over` a list', path: ['parallelism'] } : undefined),
  jsonSchema: { if: { required: ['until'] }, then: { properties: { parallelism: { const: 1 } } } },
});

export default defineNode({
  type: 'loop',
  version: 1,
  title: 'Loop',
  description: 'Runs its body steps for each item of a list, or again until a condition holds.',
  icon: 'repeat',
  colour: '#7c3aed',
  category: 'control',
  kind: 'control',
  container: true,
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: loopConfig,
  summary: "${{ has(config.over) ? 'each of ' + config.over : 'until ' + config.until }} (max ${{ config.max_iterations }})",
  docs: `A container: its body is the \`steps:\` list inside it, a graph of its own whose \`needs\`
refer to siblings. With \`over\` the body runs once per item (\`loop.item\`, \`loop.index\`),
\`parallelism\` at a time; with \`until\` it runs again until the condition is true after an
iteration — implement, test, implement again. \`max_iterations\` is required, so the graph
stays acyclic and every run bounded.

\`\`\`yaml
- id: fix_until_green
  type: loop
  with:
    until: steps.test.outputs.exit_code == 0
    max_iterations: 3
  steps:
    - id: implement
      type: agent
      with:
        prompt: Make the failing tests pass.
    - id: test
      type: script
      needs: [implement]
      with:
        run: npm test
\`\`\`
`,
});
