import { z } from 'zod';
import { defineNode } from '../../engine/nodes/define-node.ts';
import { requiredWhen } from '../config-rules.ts';

const config = z.strictObject({
  cli: z.enum(['claude', 'codex', 'gemini', 'custom']).default('claude')
    .meta({ description: 'Which coding-agent CLI to run; custom runs `command`.' }),
  command: z.string().min(1).max(4000).optional()
    .meta({ description: 'The command line for cli: custom, split into words like a shell would (quotes, backslashes) but never run by one: no variables, globs, pipes or redirections. The prompt is written to its standard input and its standard output is the message.' }),
  prompt: z.string().min(1).max(100_000).meta({ description: 'The task for the agent; a template over inputs and earlier steps.' }),
  model: z.string().min(1).max(200).optional().meta({ description: "Model name passed to the CLI; omitted uses the CLI's default." }),
  cwd: z.string().min(1).max(4000).optional().meta({ description: "Working directory, relative to the run's workspace." }),
  allowed_tools: z.array(z.string().min(1).max(200)).optional()
    .meta({ description: 'Tools the agent may use without asking, in the CLI\'s own syntax (e.g. "Bash(npm test)").' }),
  max_turns: z.number().int().min(1).max(1000).optional().meta({ description: 'Upper bound on agent turns (claude only; the other CLIs have no such flag, bound them with the step\'s timeout).' }),
  permission_mode: z.enum(['read_only', 'edit', 'full']).default('edit')
    .meta({ description: 'What the agent may do without asking: read_only (read and answer; allowed_tools still run), edit (also edit files in its working directory), full (anything: run it only in a disposable workspace). Each CLI\'s own flag is in the node\'s README.' }),
  output: z.enum(['text', 'json']).default('text')
    .meta({ description: "text: the agent's final message as a string; json: parse it as JSON into the step's result." }),
});

export default defineNode({
  type: 'agent',
  version: 1,
  title: 'AI agent',
  description: 'Runs an AI coding agent CLI (Claude Code, Codex, Gemini or your own) on a prompt.',
  icon: 'bot',
  colour: '#c026d3',
  category: 'ai',
  kind: 'action',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  config: requiredWhen(config, 'cli', ['custom'], 'command', 'cli: custom needs `command`: the command line to run'),
  summary: '${{ config.cli }}: ${{ config.prompt }}',
  docs: `Runs a coding agent non-interactively in the run's workspace and returns its final
message (\`message\`, or \`result\` with \`output: json\`), with \`cost_usd\`, \`tokens\`, \`turns\` and
\`session_id\` when the CLI reports them. The prompt goes to the CLI on standard input, never
through a shell. API keys come from the secrets ANTHROPIC_API_KEY (claude), OPENAI_API_KEY or
CODEX_API_KEY (codex) and GEMINI_API_KEY (gemini) when they are set; otherwise the CLI uses its
own login. Put it in a \`loop\` with a test step to iterate until the tests pass; bound each
call with the step's \`timeout\` and \`max_turns\`.

\`\`\`yaml
- id: implement
  type: agent
  with:
    cli: claude
    prompt: |
      Implement plan \${{ inputs.plan_id }}. Run the tests before you finish.
    permission_mode: edit
    allowed_tools: [Read, Edit, "Bash(npm test)"]
    max_turns: 40
  timeout: 30m
\`\`\`
`,
});
