import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';

export default defineNode({
  type: 'script',
  version: 1,
  title: 'Script',
  description: 'Runs a shell or Node.js script as a child process.',
  icon: 'terminal',
  colour: '#16a34a',
  category: 'action',
  kind: 'action',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: z.strictObject({
    run: z.string().min(1).max(100_000).meta({ description: 'The script; templates are expanded first, e.g. ./deploy.sh ${{ inputs.env }}.' }),
    shell: z.enum(['bash', 'sh', 'node']).default('bash').meta({ description: 'Interpreter for `run`.' }),
    cwd: z.string().min(1).max(4000).optional().meta({ description: "Working directory, relative to the run's workspace." }),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string(), {
      // zod's own message for a bad key is "Invalid key in record", which does not say why.
      error: (issue) => (issue.code === 'invalid_key' ? `"${String(issue.input)}" is not an environment variable name (letters, digits and "_", e.g. NODE_ENV)` : undefined),
    }).optional().meta({ description: 'Extra environment variables; values are templates and may reference secrets.' }),
    stdin: z.string().max(1_000_000).optional().meta({ description: 'Text written to the process\'s standard input.' }),
  }),
  summary: '${{ config.run }}',
  docs: `Runs \`run\` with \`shell\` as a child process (its whole process group is killed on
cancel or timeout). Use the step's \`timeout\` to bound it. Only users allowed to edit a
workflow may add script steps.

Exit code 0 succeeds; any other fails the step (retryable, so \`retry\` applies). The output
has \`exitCode\`, \`stdout\` and \`stderr\` (their last 16 KiB), plus what the script sets: a
stdout line \`::set-output {"key": "value"}\` (a JSON object), or a JSON object written to the
file named by \`$SWITCHYARD_OUTPUTS\`. The script gets only \`PATH\`, \`HOME\`, \`LANG\` and
\`env\` of the server's environment; \`cwd\` stays inside the run's workspace.

\`\`\`yaml
- id: staging
  type: script
  with:
    run: ./deploy.sh staging \${{ inputs.plan_id }}
    cwd: infra
    env:
      DEPLOY_ENV: staging
  timeout: 10m
\`\`\`
`,
});
