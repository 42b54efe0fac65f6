import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';

export default defineNode({
  type: 'emit',
  version: 1,
  title: 'Emit event',
  description: 'Publishes a custom event that event triggers of other workflows can react to.',
  icon: 'radio',
  colour: '#0d9488',
  category: 'notification',
  kind: 'action',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: z.strictObject({
    event: z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'must be an event name: letters, digits, ".", "_", ":" or "-", e.g. plan_validated')
      .meta({ description: 'Event name, matched by `triggers: - type: event` in other workflows.' }),
    payload: z.record(z.string(), z.unknown()).optional()
      .meta({ description: 'Event data (values may be templates); triggers see it as `event`.' }),
  }),
  summary: '${{ config.event }}',
  docs: `Publishes \`event\` with \`payload\`. Every workflow with a matching event trigger whose
\`if\` holds starts a run.

\`\`\`yaml
- id: announce
  type: emit
  needs: [validate]
  with:
    event: plan_validated
    payload:
      plan:
        id: \${{ inputs.plan_id }}
        confidence: \${{ inputs.confidence }}
\`\`\`
`,
});
