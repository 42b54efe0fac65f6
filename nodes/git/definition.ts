import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { requiredWhen } from '../config-rules.ts';

const config = z.strictObject({
  op: z.enum(['init', 'clone', 'checkout', 'branch', 'commit', 'push', 'pull', 'tag', 'diff']).meta({ description: 'The git operation.' }),
  repo: z.string().min(1).max(4000).optional()
    .meta({ description: 'clone: the URL to clone. Other operations: the repository directory, relative to the workspace (default: the workspace itself).' }),
  dir: z.string().min(1).max(4000).optional()
    .meta({ description: 'clone: the directory to clone into, relative to the workspace (default: the name git derives from the URL).' }),
  ref: z.string().min(1).max(500).optional()
    .meta({ description: 'Branch, tag or commit: what to check out or clone, the branch to create or switch to, the tag to create, the branch to push, or the base of a diff.' }),
  message: z.string().min(1).max(100_000).optional().meta({ description: 'Commit or annotated-tag message; a template.' }),
  paths: z.array(z.string().min(1).max(4000)).optional().meta({ description: 'Paths to stage before committing, or to limit a diff to; omitted means all changes.' }),
  remote: z.string().min(1).max(200).default('origin').meta({ description: 'Remote for push and pull.' }),
  token_secret: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be a secret name: letters, digits and "_"').optional()
    .meta({ description: 'Name of the secret holding an HTTPS access token for clone, push and pull; sent as a header, never written into the URL, the config or the log.' }),
  token_user: z.string().min(1).max(200).default('x-access-token')
    .meta({ description: 'User name sent with the token (x-access-token for GitHub, oauth2 for GitLab).' }),
  author: z.string().regex(/^[^<>]+ <[^<>\s]+>$/, 'must look like "Name <email>"').default('Switchyard <switchyard@localhost>')
    .meta({ description: 'Author and committer of commits and annotated tags, as "Name <email>".' }),
});

const rules: [op: string, field: string, message: string][] = [
  ['clone', 'repo', 'op: clone needs `repo`: the URL to clone'],
  ['commit', 'message', 'op: commit needs a `message`'],
  ['checkout', 'ref', 'op: checkout needs `ref`: the branch, tag or commit to check out'],
  ['branch', 'ref', 'op: branch needs `ref`: the name of the branch to create or switch to'],
  ['tag', 'ref', 'op: tag needs `ref`: the name of the new tag'],
];

export default defineNode({
  type: 'git',
  version: 1,
  title: 'Git',
  description: 'Initialises, clones, branches, commits, pushes, pulls, tags or diffs a git repository in the run\'s workspace.',
  icon: 'git-branch',
  colour: '#ea580c',
  category: 'integration',
  kind: 'action',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: rules.reduce((schema, [op, field, message]) => requiredWhen(schema, 'op', [op], field, message), config),
  summary: 'git ${{ config.op }}',
  docs: `One git operation in the run's workspace, run with the \`git\` program.

| op | Does | Outputs |
| --- | --- | --- |
| init | \`git init\` (branch \`ref\`, default main) | path, branch |
| clone | clone \`repo\` (at \`ref\`) into \`dir\` | path, branch, sha |
| checkout | switch to a branch, tag or commit | branch, sha |
| branch | switch to branch \`ref\`, creating it from HEAD when missing | branch, created, sha |
| commit | stage \`paths\` (default: everything), commit with \`message\` | committed, sha, branch, files |
| push | push \`ref\` (default: the current branch) to \`remote\` | remote, ref, sha |
| pull | fast-forward from \`remote\` | sha |
| tag | tag HEAD (annotated when \`message\` is set) | tag, sha |
| diff | changes against \`ref\` (default HEAD), new files included | diff, files, insertions, deletions |

A commit with nothing to commit succeeds with \`committed: false\`. For private HTTPS
remotes name a secret holding an access token in \`token_secret\`: it is sent as an
authorization header through git's environment, never written into the URL, the repository's
config or the log. Network operations (clone, push, pull) fail as retryable, so the step's
\`retry:\` policy applies; the others fail at once.

\`\`\`yaml
- id: clone
  type: git
  with:
    op: clone
    repo: https://github.com/acme/api.git
    ref: main
- id: feature
  type: git
  needs: [clone]
  with: { op: branch, repo: api, ref: "plan-\${{ inputs.plan_id }}" }
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
