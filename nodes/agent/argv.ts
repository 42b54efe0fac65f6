// Config → the program and arguments to run, per CLI. Pure. The prompt never appears in the
// arguments: it goes to standard input (no shell, no argument-length limit, nothing for `ps` to
// show). The flags and how each permission mode maps to them are in this folder's README.
import type { NodeConfig } from '../../engine/nodes/define-node.ts';
import type definition from './definition.ts';
import { splitCommand } from './split-command.ts';

export type AgentConfig = NodeConfig<typeof definition>;
export type PermissionMode = AgentConfig['permission_mode'];
export type Preset = Exclude<AgentConfig['cli'], 'custom'>;

export interface AgentCommand {
  command: string;
  args: string[];
  /** Config the CLI cannot take, each with why; the runner logs them rather than failing. */
  ignored: string[];
}

const CLAUDE_PERMISSION: Record<PermissionMode, string> = {
  // In print mode nobody can answer a permission prompt, so "default" denies every tool that
  // would ask: reads and allowed_tools run, edits and commands do not.
  read_only: 'default',
  edit: 'acceptEdits',
  full: 'bypassPermissions',
};

// codex exec never asks for approval; the sandbox is what bounds it.
const CODEX_SANDBOX: Record<PermissionMode, string> = {
  read_only: 'read-only',
  edit: 'workspace-write',
  full: 'danger-full-access',
};

const GEMINI_APPROVAL: Record<PermissionMode, string> = {
  read_only: 'default',
  edit: 'auto_edit',
  full: 'yolo',
};

export function buildPresetCommand(cli: Preset, config: AgentConfig, cwd: string): AgentCommand {
  const ignored: string[] = [];
  const model = config.model ? ['--model', config.model] : [];
  const tools = config.allowed_tools?.length ? config.allowed_tools : undefined;
  if (cli === 'claude') {
    return {
      command: 'claude',
      args: [
        '-p', '--output-format', 'stream-json', '--verbose', // print mode wants --verbose for stream-json
        ...model,
        '--permission-mode', CLAUDE_PERMISSION[config.permission_mode],
        ...(config.max_turns ? ['--max-turns', String(config.max_turns)] : []),
        ...(tools ? ['--allowedTools', ...tools] : []),
      ],
      ignored,
    };
  }
  if (config.max_turns) ignored.push(`max_turns: ${cli} has no turn limit flag; the step's timeout bounds it`);
  if (cli === 'codex') {
    if (tools) ignored.push('allowed_tools: codex has no per-tool allow list; permission_mode picks its sandbox');
    return {
      command: 'codex',
      args: [
        'exec', '--json', ...model,
        '--sandbox', CODEX_SANDBOX[config.permission_mode],
        // The run's workspace is rarely a git repository, and codex refuses to start outside one.
        '--skip-git-repo-check',
        '--cd', cwd,
        '-', // the prompt: read from standard input
      ],
      ignored,
    };
  }
  return {
    command: 'gemini',
    // No --prompt: with standard input not a terminal, gemini runs headless on what it reads there.
    args: ['--output-format', 'stream-json', ...model, '--approval-mode', GEMINI_APPROVAL[config.permission_mode], ...(tools ? ['--allowed-tools', ...tools] : [])],
    ignored,
  };
}

/** cli: custom — the template split into words, or why it cannot be. */
export function buildCustomCommand(config: AgentConfig): AgentCommand | string {
  const words = splitCommand(config.command ?? '');
  if (typeof words === 'string') return words;
  return { command: words[0]!, args: words.slice(1), ignored: [] };
}

/** What a custom command learns of the config, since it gets no flags: plain environment variables. */
export function customEnv(config: AgentConfig): Record<string, string> {
  return {
    SWITCHYARD_AGENT_PERMISSION_MODE: config.permission_mode,
    ...(config.model ? { SWITCHYARD_AGENT_MODEL: config.model } : {}),
    ...(config.max_turns ? { SWITCHYARD_AGENT_MAX_TURNS: String(config.max_turns) } : {}),
    // One per line: tool specs may hold spaces and commas ("Bash(git log:*)").
    ...(config.allowed_tools?.length ? { SWITCHYARD_AGENT_ALLOWED_TOOLS: config.allowed_tools.join('\n') } : {}),
  };
}
