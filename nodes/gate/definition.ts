import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { durationSchema } from '../../engine/format/duration.ts';
import { requiredField, requiredWhen, withRule } from '../config-rules.ts';

const APPROVER = /^(user:\S+|role:(owner|editor|runner|viewer))$/;

const approvers = (description: string) => z
  .array(z.string().regex(APPROVER, 'must be "user:<email or id>" or "role:<owner|editor|runner|viewer>", e.g. role:runner'))
  .min(1, 'name at least one approver, e.g. [role:runner] or [user:ada@example.com]')
  .meta({ description });

const config = z.strictObject({
  message: z.string().min(1).max(4000).meta({ description: 'What the approvers are asked; a template, e.g. "Ship ${{ inputs.plan_id }}?".' }),
  approvers: requiredField(
    approvers('Who may decide: "user:<email or id>" or "role:<owner|editor|runner|viewer>".'),
    'a gate needs approvers, e.g. [role:runner] or [user:ada@example.com]',
  ),
  quorum: z.number().int().min(1).default(1).meta({ description: 'Approvals needed; one rejection rejects.' }),
  // Required: promise 4 says every run ends in bounded time, and a gate nobody answers
  // would otherwise hold its run open forever.
  timeout: requiredField(
    durationSchema.meta({ description: 'How long to wait for a decision, e.g. 24h. Required so that a run never waits forever.' }),
    'a gate needs a timeout, e.g. 24h, so that its run cannot wait forever (on_timeout says what happens then)',
  ),
  on_timeout: z.enum(['proceed', 'cancel', 'escalate']).default('cancel')
    .meta({ description: 'When the timeout passes: proceed (as approved), cancel the run, or escalate (ask escalate_to for one more timeout, then cancel).' }),
  escalate_to: approvers('Who is asked when the gate escalates; required with on_timeout: escalate.').optional(),
});

const escalating = requiredWhen(config, 'on_timeout', ['escalate'], 'escalate_to', 'on_timeout: escalate needs `escalate_to`: who is asked next');

// Named users are countable, so a quorum larger than the list can never be met. Roles are
// not (the number of people holding a role changes), so JSON Schema cannot say this one.
const gateConfig = withRule(escalating, {
  check: (c) => {
    const users = new Set(c.approvers as string[]);
    const quorum = c.quorum as number;
    return [...users].every((a) => a.startsWith('user:')) && users.size < quorum
      ? { message: `quorum ${quorum} can never be reached by ${users.size} named user(s)`, path: ['quorum'] }
      : undefined;
  },
});

export default defineNode({
  type: 'gate',
  version: 1,
  title: 'Approval gate',
  description: 'Pauses the run until people approve or reject it, or the timeout passes.',
  icon: 'hand',
  colour: '#dc2626',
  category: 'control',
  kind: 'control',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [
    { id: 'approved', label: 'Approved', description: 'Taken when the quorum approves (or on timeout with on_timeout: proceed).' },
    { id: 'rejected', label: 'Rejected', description: 'Taken when an approver rejects.' },
  ],
  config: gateConfig,
  summary: '${{ config.message }}',
  docs: `Asks \`approvers\` to approve or reject and waits. The run continues on \`approved\`
once \`quorum\` approvals are in, or on \`rejected\` at the first rejection. A gate must have
a \`timeout\`; when it passes, \`on_timeout\` decides: \`cancel\` (default) cancels the run,
\`proceed\` continues as approved, \`escalate\` asks \`escalate_to\` for one more
\`timeout\` and then cancels. The wait survives restarts.

\`\`\`yaml
- id: approve
  type: gate
  needs: [staging]
  with:
    message: "Ship \${{ inputs.plan_id }} to production?"
    approvers: [role:runner, user:ada@example.com]
    quorum: 1
    timeout: 4h
    on_timeout: escalate
    escalate_to: [role:owner]
\`\`\`
`,
});
