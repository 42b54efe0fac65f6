import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';

// A fork needs no engine support: steps that need the same step already run in parallel.
// This node exists so that a fork is a visible, named thing on the canvas.
export default defineNode({
  type: 'parallel',
  version: 1,
  title: 'Parallel',
  description: 'Marks a fork: every step that needs it starts at the same time.',
  icon: 'split',
  colour: '#0891b2',
  category: 'control',
  kind: 'control',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: z.strictObject({}),
  docs: `A fork marker. Steps that need the same step always run in parallel; a \`parallel\` step
only makes the fork visible on the canvas. It completes as soon as it starts, and has no
configuration. Pair it with a \`join\` to wait for the branches.

\`\`\`yaml
- id: fan_out
  type: parallel
  needs: [build]
- id: test_linux
  type: script
  needs: [fan_out]
  with:
    run: make test-linux
- id: test_macos
  type: script
  needs: [fan_out]
  with:
    run: make test-macos
\`\`\`
`,
});
