import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { durationSchema } from '../../engine/format/duration.ts';
import { exactlyOneOf } from '../config-rules.ts';

const config = z.strictObject({
  duration: durationSchema.optional().meta({ description: 'How long to wait, e.g. 10m or 1h30m.' }),
  until: z.string().min(1).max(4000).optional()
    .meta({ description: 'When to continue: a template yielding an ISO 8601 time, e.g. "${{ inputs.release_at }}". A time in the past continues at once.' }),
});

export default defineNode({
  type: 'delay',
  version: 1,
  title: 'Delay',
  description: 'Waits for a duration, or until a point in time, before continuing.',
  icon: 'clock',
  colour: '#64748b',
  category: 'control',
  kind: 'control',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: exactlyOneOf(config, ['duration', 'until'], 'a delay needs exactly one of `duration` (e.g. 10m) or `until` (an ISO time)'),
  summary: "${{ has(config.duration) ? config.duration : 'until ' + config.until }}",
  docs: `Waits, then continues. The timer is durable: it survives restarts, and a run paused or
restarted past the deadline continues at once.

\`\`\`yaml
- id: cool_down
  type: delay
  needs: [deploy_canary]
  with:
    duration: 15m
\`\`\`
`,
});
