import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { expressionSchema } from '../../engine/format/schema.ts';

export default defineNode({
  type: 'condition',
  version: 1,
  title: 'Condition',
  description: 'Routes the run down its true or its false branch, depending on a CEL expression.',
  icon: 'diamond',
  colour: '#d97706',
  category: 'control',
  kind: 'control',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [
    { id: 'true', label: 'True', description: 'Taken when the expression is true.' },
    { id: 'false', label: 'False', description: 'Taken when the expression is false.' },
  ],
  config: z.strictObject({
    if: expressionSchema.meta({ description: 'CEL expression over inputs, vars and steps, e.g. inputs.confidence > 0.8. It must evaluate to true or false.' }),
  }),
  summary: '${{ config.if }}',
  docs: `Evaluates \`if\` (a CEL expression) and continues on exactly one port. Steps that need
\`<id>.true\` run when it is true; steps that need \`<id>.false\` run otherwise; the branch not
taken is skipped.

\`\`\`yaml
- id: check
  type: condition
  with:
    if: inputs.confidence > 0.8
- id: deploy
  type: script
  needs: [check.true]
  with:
    run: ./deploy.sh
\`\`\`
`,
});
