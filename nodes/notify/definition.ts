import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { requiredWhen } from '../config-rules.ts';

const config = z.strictObject({
  channel: z.enum(['log', 'webhook', 'email']).default('log')
    .meta({ description: "log: the run's log; webhook: POST JSON to `url`; email: send to `to`." }),
  message: z.string().min(1).max(20_000).meta({ description: 'The message; a template.' }),
  to: z.array(z.string().min(1).max(320)).min(1).optional().meta({ description: 'Recipients (email addresses) for channel: email.' }),
  url: z.string().min(1).max(8000).optional().meta({ description: 'Where channel: webhook posts, e.g. a Slack incoming-webhook URL; may reference a secret.' }),
});

export default defineNode({
  type: 'notify',
  version: 1,
  title: 'Notify',
  description: "Sends a message to the run's log, a webhook or email.",
  icon: 'bell',
  colour: '#ca8a04',
  category: 'notification',
  kind: 'action',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: requiredWhen(
    requiredWhen(config, 'channel', ['webhook'], 'url', 'channel: webhook needs a `url`'),
    'channel', ['email'], 'to', 'channel: email needs `to`: at least one recipient',
  ),
  summary: '${{ config.channel }}: ${{ config.message }}',
  docs: `Tells people something happened. \`log\` (default) writes to the run's log; \`webhook\`
posts \`{ "text": message, "message", "run", "step" }\` as JSON to \`url\` (Slack-compatible;
private addresses follow the server's \`HTTP_ALLOW_PRIVATE\`); \`email\` sends to \`to\` once
the server has a mail transport (today it fails with EMAIL_NOT_CONFIGURED).

\`\`\`yaml
- id: too_risky
  type: notify
  needs: [check.false]
  with:
    channel: webhook
    url: \${{ secrets.SLACK_WEBHOOK }}
    message: Plan \${{ inputs.plan_id }} is below the confidence bar
\`\`\`
`,
});
