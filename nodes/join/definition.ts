import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { requiredWhen, withRule } from '../config-rules.ts';

const config = z.strictObject({
  mode: z.enum(['all', 'any', 'n_of_m']).default('all')
    .meta({ description: 'all: wait for every branch; any: continue after the first; n_of_m: continue after `count` branches.' }),
  count: z.number().int().min(1).optional()
    .meta({ description: 'How many branches must complete (mode n_of_m only).' }),
  // With mode all nothing is left running when the join fires, so `true` is harmless there:
  // one plain default instead of one that depends on the mode.
  cancel_losers: z.boolean().default(true)
    .meta({ description: 'Cancel the branches still running once the join has fired (any / n_of_m).' }),
});

export default defineNode({
  type: 'join',
  version: 1,
  title: 'Join',
  description: 'Waits for all, any, or N of its upstream branches before continuing.',
  icon: 'merge',
  colour: '#0e7490',
  category: 'control',
  kind: 'control',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: withRule(
    requiredWhen(config, 'mode', ['n_of_m'], 'count', 'mode n_of_m needs `count`: how many branches must complete'),
    {
      check: (c) => (c.mode !== 'n_of_m' && c.count !== undefined ? { message: '`count` only applies to mode n_of_m', path: ['count'] } : undefined),
      jsonSchema: { if: { required: ['count'] }, then: { properties: { mode: { const: 'n_of_m' } }, required: ['mode'] } },
    },
  ),
  summary: 'wait for ${{ config.mode }}',
  docs: `A step with several \`needs\` already waits for all of them; \`join\` adds the other
policies. \`any\` continues after the first branch completes, \`n_of_m\` after \`count\` of
them. Branches still running are cancelled unless \`cancel_losers: false\`.

\`\`\`yaml
- id: first_mirror
  type: join
  needs: [mirror_eu, mirror_us, mirror_asia]
  with:
    mode: n_of_m
    count: 2
\`\`\`
`,
});
