import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { durationSchema } from '../../engine/format/duration.ts';

const hostOf = (url: string) => {
  try { return new URL(url).host || undefined; } catch { return undefined; }
};

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
    // No default here on purpose: omitted means the deployment decides (HTTP_ALLOW_PRIVATE),
    // which refuses in production and allows in development.
    allow_private: z.boolean().optional()
      .meta({ description: 'Allow loopback, private and link-local addresses (SSRF guard). Omitted: the server decides (HTTP_ALLOW_PRIVATE; refused in production, allowed in development).' }),
  }),
  summary: '${{ config.method }} ${{ config.url }}',
  // One breaker per host: a host that keeps failing is left alone for a while.
  breaker: { key: (config) => hostOf(config.url) },
  docs: `Sends one request. The step fails on a status outside \`expect_status\` (any 2xx when
omitted); 5xx and 429 answers, timeouts and network errors are retryable, so a retry policy on
the step retries them. Redirects are followed (up to 5, checked like the first hop) unless
\`expect_status\` lists a 3xx. The
output has \`status\`, \`headers\` (lower-cased), \`body\` (parsed when the answer is JSON;
cut at 256 KiB with \`truncated: true\`), \`url\` (after redirects) and \`duration_ms\`.
Loopback, private and link-local addresses (cloud metadata included) are refused on a
production server unless \`allow_private: true\`; the server's \`HTTP_ALLOW_PRIVATE\`
setting decides the default, and \`never\` refuses them for every step.

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
