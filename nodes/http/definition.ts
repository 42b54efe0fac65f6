import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { durationSchema } from '../../engine/format/duration.ts';

export default defineNode({
  type: 'http',
  version: 1,
  title: 'HTTP request',
  description: 'Sends an HTTP request and returns the status, headers and body.',
  icon: 'globe',
  colour: '#2563eb',
  category: 'integration',
  kind: 'action',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: z.strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET').meta({ description: 'HTTP method.' }),
    url: z.string().min(1).max(8000).meta({ description: 'http(s) URL; a template, e.g. https://api.example.com/plans/${{ inputs.plan_id }}.' }),
    headers: z.record(z.string(), z.string()).optional().meta({ description: 'Request headers; values are templates and may reference secrets.' }),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional()
      .meta({ description: 'Query parameters, appended to the URL (encoded).' }),
    body: z.unknown().optional().meta({ description: 'Request body: any YAML value (sent as JSON) or a string (with body_type: text).' }),
    body_type: z.enum(['json', 'text']).default('json').meta({ description: 'How `body` is encoded: json (Content-Type: application/json) or text (sent as is).' }),
    timeout: durationSchema.optional().meta({ description: 'Time limit for the request alone, e.g. 30s (the step timeout still applies).' }),
    expect_status: z.array(z.number().int().min(100).max(599)).min(1).optional()
      .meta({ description: 'Status codes that count as success; omitted means any 2xx. Others fail the step.' }),
    // Off by default: a workflow editor must not be able to reach the server's own network
    // (cloud metadata endpoints, the database) just by typing a URL.
    allow_private: z.boolean().default(false)
      .meta({ description: 'Allow loopback, private and link-local addresses. Off by default to prevent SSRF.' }),
  }),
  summary: '${{ config.method }} ${{ config.url }}',
  docs: `Sends one request. The step fails on a status outside \`expect_status\` (any 2xx when
omitted), so a retry policy on the step retries it. Requests to private addresses are
refused unless \`allow_private: true\`.

\`\`\`yaml
- id: notify_tracker
  type: http
  with:
    method: POST
    url: https://tracker.example.com/api/plans/\${{ inputs.plan_id }}/status
    headers:
      Authorization: Bearer \${{ secrets.TRACKER_TOKEN }}
    body: { status: deployed }
    expect_status: [200, 201]
  retry: { attempts: 3, backoff: exponential }
\`\`\`
`,
});
