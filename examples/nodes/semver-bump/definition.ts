// A node type that lives outside nodes/: the sample for NODE_DIRS (docs/nodes.md).
// Start the server with NODE_DIRS=examples/nodes and `semver-bump` is in the palette.
import { z } from 'zod';
import { defineNode } from '../../../engine/nodes/define-node.ts';

export default defineNode({
  type: 'semver-bump',
  version: 1,
  title: 'Bump version',
  description: 'Computes the next semantic version from the current one: major, minor, patch or a pre-release.',
  icon: 'tag',
  colour: '#2563eb',
  category: 'data',
  kind: 'action',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: z.strictObject({
    current: z.string().min(1, 'is required: the version to bump, e.g. 1.4.2 or v2.0.0-rc.1')
      .meta({ description: 'The version to bump (a leading "v" is kept).' }),
    bump: z.enum(['major', 'minor', 'patch', 'prerelease']).default('patch')
      .meta({ description: 'Which part goes up; the parts after it reset.' }),
    preid: z.string().regex(/^[0-9A-Za-z-]+$/, 'must be letters, digits or "-", e.g. rc').default('rc')
      .meta({ description: 'Pre-release label for `prerelease`, e.g. rc → 1.5.0-rc.0.' }),
  }),
  summary: '${{ config.bump }} ${{ config.current }}',
  docs: `Bumps \`current\` and outputs \`version\` (and \`previous\`).

\`\`\`yaml
- id: next_version
  type: semver-bump
  with:
    current: \${{ inputs.version }}
    bump: minor
\`\`\`
`,
});
