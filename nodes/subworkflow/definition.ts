import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { workflowIdSchema } from '../../engine/format/schema.ts';

export default defineNode({
  type: 'subworkflow',
  version: 1,
  title: 'Sub-workflow',
  description: 'Starts another workflow as a child run, and by default waits for it to finish.',
  icon: 'workflow',
  colour: '#4f46e5',
  category: 'control',
  kind: 'control',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: z.strictObject({
    workflow: workflowIdSchema.meta({ description: 'Id of the workflow to run.' }),
    version: z.union([z.number().int().min(1), z.literal('latest')]).default('latest')
      .meta({ description: 'Which saved version to run: a number, or latest (the newest version when this step starts).' }),
    inputs: z.record(z.string(), z.unknown()).optional()
      .meta({ description: "The child run's inputs; values may be templates, e.g. plan_id: \"${{ inputs.plan_id }}\" (a value that is one template keeps its type)." }),
    wait: z.boolean().default(true)
      .meta({ description: "Wait for the child run and fail when it fails (true), or continue as soon as it has started (false)." }),
  }),
  summary: '${{ config.workflow }}@${{ config.version }}',
  docs: `Runs another workflow as a child of this run. With \`wait: true\` (default) the step
completes when the child completes, fails when it fails, and cancelling this run cancels
the child. Pin \`version\` to keep a parent stable while the child is edited.

\`\`\`yaml
- id: deploy
  type: subworkflow
  with:
    workflow: deploy-service
    version: 4
    inputs:
      service: api
      plan_id: \${{ inputs.plan_id }}
\`\`\`
`,
});
