import { describe, expect, it } from 'vitest';
import { buildCustomCommand, buildPresetCommand, customEnv, type AgentConfig } from '../../../../nodes/agent/argv.ts';
import definition from '../../../../nodes/agent/definition.ts';

const config = (more: Record<string, unknown> = {}): AgentConfig => definition.config.parse({ prompt: 'Fix the tests', ...more });

describe('agent argv', () => {
  it('claude: print mode, stream-json with --verbose, model, permission mode, max turns, allowed tools; never the prompt', () => {
    const c = buildPresetCommand('claude', config({ model: 'sonnet', max_turns: 12, allowed_tools: ['Read', 'Bash(npm test)'] }), '/w');
    expect(c.command).toBe('claude');
    expect(c.args).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--model', 'sonnet', '--permission-mode', 'acceptEdits', '--max-turns', '12', '--allowedTools', 'Read', 'Bash(npm test)']);
    expect(c.args.join(' ')).not.toContain('Fix the tests');
    expect(c.ignored).toEqual([]);
  });

  it('maps each permission mode to each CLI', () => {
    const flag = (cli: 'claude' | 'codex' | 'gemini', mode: string, name: string) => {
      const args = buildPresetCommand(cli, config({ permission_mode: mode }), '/w').args;
      return args[args.indexOf(name) + 1];
    };
    expect(['read_only', 'edit', 'full'].map((m) => flag('claude', m, '--permission-mode'))).toEqual(['default', 'acceptEdits', 'bypassPermissions']);
    expect(['read_only', 'edit', 'full'].map((m) => flag('codex', m, '--sandbox'))).toEqual(['read-only', 'workspace-write', 'danger-full-access']);
    expect(['read_only', 'edit', 'full'].map((m) => flag('gemini', m, '--approval-mode'))).toEqual(['default', 'auto_edit', 'yolo']);
  });

  it('codex: exec --json, sandbox, no git check, --cd, prompt from stdin; says what it cannot take', () => {
    const c = buildPresetCommand('codex', config({ model: 'gpt-5-codex', permission_mode: 'read_only', max_turns: 5, allowed_tools: ['Read'] }), '/w/sub');
    expect(c).toMatchObject({ command: 'codex', args: ['exec', '--json', '--model', 'gpt-5-codex', '--sandbox', 'read-only', '--skip-git-repo-check', '--cd', '/w/sub', '-'] });
    expect(c.ignored).toEqual([expect.stringMatching(/^max_turns: codex/), expect.stringMatching(/^allowed_tools: codex/)]);
  });

  it('gemini: stream-json, model, approval mode, allowed tools, no --prompt', () => {
    const c = buildPresetCommand('gemini', config({ model: 'gemini-2.5-pro', allowed_tools: ['run_shell_command(npm test)'] }), '/w');
    expect(c.args).toEqual(['--output-format', 'stream-json', '--model', 'gemini-2.5-pro', '--approval-mode', 'auto_edit', '--allowed-tools', 'run_shell_command(npm test)']);
    expect(c.args).not.toContain('-p');
    expect(buildPresetCommand('gemini', config(), '/w').args).not.toContain('--model');
  });

  it('custom: the template split into words; the config travels in SWITCHYARD_AGENT_* variables', () => {
    expect(buildCustomCommand(config({ cli: 'custom', command: `my-agent --mode 'fast lane' "a \\"b\\""` }))).toEqual({ command: 'my-agent', args: ['--mode', 'fast lane', 'a "b"'], ignored: [] });
    expect(buildCustomCommand(config({ cli: 'custom', command: 'agent; rm -rf /' }))).toMatch(/";" would mean something to a shell/);
    expect(customEnv(config({ cli: 'custom', command: 'x', model: 'm', max_turns: 3, allowed_tools: ['Read', 'Bash(git log:*)'] }))).toEqual({
      SWITCHYARD_AGENT_PERMISSION_MODE: 'edit', SWITCHYARD_AGENT_MODEL: 'm', SWITCHYARD_AGENT_MAX_TURNS: '3', SWITCHYARD_AGENT_ALLOWED_TOOLS: 'Read\nBash(git log:*)',
    });
  });

  it('defaults permission_mode to edit, and a version 1 config without it still parses', () => {
    expect(config().permission_mode).toBe('edit');
    expect(definition.version).toBe(1);
  });
});
