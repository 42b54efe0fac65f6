import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { withRule } from '../config-rules.ts';

const OUTPUT_NAME = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

// A rule rather than a key schema: zod's own message for a bad record key does not name the key.
const config = withRule(z.strictObject({
  outputs: z.record(z.string(), z.unknown())
    .meta({ description: 'The step\'s outputs by name. A value that is one ${{ … }} expression keeps its type (number, list, object); other strings are templates; anything else is kept as written.' }),
}), {
  check: (c) => {
    const bad = Object.keys((c.outputs ?? {}) as object).find((k) => !new RegExp(OUTPUT_NAME).test(k));
    return bad === undefined ? undefined : { path: ['outputs', bad], message: `output "${bad}" must be an identifier (letters, digits, "_"), so that later steps can write steps.<id>.outputs.<name>` };
  },
  jsonSchema: { properties: { outputs: { propertyNames: { pattern: OUTPUT_NAME } } } },
});

export default defineNode({
  type: 'transform',
  version: 1,
  title: 'Transform',
  description: 'Computes outputs from expressions over inputs and earlier steps.',
  icon: 'braces',
  colour: '#4f46e5',
  category: 'data',
  kind: 'action',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config,
  summary: 'compute outputs',
  docs: `Gives names to values computed from the run's data, for later steps to use as
\`steps.<id>.outputs.<name>\`. The engine evaluates the expressions before the step runs, as
for every node's config, so the step has no side effects and nothing to retry.

\`\`\`yaml
- id: totals
  type: transform
  needs: [count]
  with:
    outputs:
      total: \${{ steps.count.outputs.n + 1 }}
      label: Plan \${{ inputs.plan_id }}
      tags: [nightly]
\`\`\`
`,
});
