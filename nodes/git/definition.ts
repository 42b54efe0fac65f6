import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { requiredWhen } from '../config-rules.ts';

const config = z.strictObject({
  op: z.enum(['clone', 'checkout', 'commit', 'push', 'pull', 'branch', 'tag']).meta({ description: 'The git operation.' }),
  repo: z.string().min(1).max(4000).optional().meta({ description: 'Repository URL (clone), or the local directory to work in, relative to the workspace.' }),
  ref: z.string().min(1).max(500).optional().meta({ description: 'Branch, tag or commit: what to check out, or the name of the branch or tag to create.' }),
  message: z.string().min(1).max(100_000).optional().meta({ description: 'Commit or annotated-tag message; a template.' }),
  paths: z.array(z.string().min(1).max(4000)).optional().meta({ description: 'Paths to stage before committing; omitted stages all changes.' }),
  remote: z.string().min(1).max(200).default('origin').meta({ description: 'Remote for push and pull.' }),
});

const rules: [op: string, field: string, message: string][] = [
  ['clone', 'repo', 'op: clone needs `repo`: the URL to clone'],
  ['commit', 'message', 'op: commit needs a `message`'],
  ['checkout', 'ref', 'op: checkout needs `ref`: the branch, tag or commit to check out'],
  ['branch', 'ref', 'op: branch needs `ref`: the name of the new branch'],
  ['tag', 'ref', 'op: tag needs `ref`: the name of the new tag'],
];

export default defineNode({
  type: 'git',
  version: 1,
  title: 'Git',
  description: 'Clones, checks out, commits, pushes, pulls, branches or tags in a git repository.',
  icon: 'git-branch',
  colour: '#ea580c',
  category: 'integration',
  kind: 'action',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: rules.reduce((schema, [op, field, message]) => requiredWhen(schema, 'op', [op], field, message), config),
  summary: 'git ${{ config.op }}',
  docs: `One git operation in the run's workspace. Credentials come from secrets (for example a
token in the clone URL); they are redacted from logs.

\`\`\`yaml
- id: clone
  type: git
  with:
    op: clone
    repo: https://github.com/acme/api.git
    ref: main
- id: commit
  type: git
  needs: [implement]
  with:
    op: commit
    repo: api
    message: "Implement plan \${{ inputs.plan_id }}"
\`\`\`
`,
});
