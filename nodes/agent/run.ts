// Runs a coding-agent CLI through ctx.exec (so cancel and timeout kill its whole process tree)
// with the prompt on standard input, then reads its structured output (parsers per CLI in
// parse-*.ts). Its raw output streams to the step's stdout/stderr as it runs, and a readable
// line per assistant message and tool call to the step's log, parsed as it arrives.
import { defineRunner, type NodeContext } from '../../engine/nodes/define-node.ts';
import { lastLine, workspacePath } from '../script/outputs.ts';
import { buildCustomCommand, buildPresetCommand, customEnv, type AgentConfig } from './argv.ts';
import definition from './definition.ts';
import { lastTextLine, outputParser, parseJsonMessage, summaryLine } from './output.ts';

/** The secrets each CLI reads, by the environment variable it reads them from. */
const SECRETS: Record<AgentConfig['cli'], string[]> = {
  claude: ['ANTHROPIC_API_KEY'],
  codex: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
  gemini: ['GEMINI_API_KEY'],
  custom: [],
};

const INSTALL: Record<AgentConfig['cli'], string> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  gemini: 'npm install -g @google/gemini-cli',
  custom: 'install it, or fix `command`',
};

/** The structured output can be long; the final events are at its end, which is what is kept. */
const MAX_OUTPUT = 8 * 1024 * 1024;

const fail = (code: string, message: string, retryable: boolean, details?: Record<string, unknown>) => ({ code, message, retryable, ...(details ? { details } : {}) });

export default defineRunner(definition, async (ctx, config) => {
  const cwd = workspacePath(ctx.workspace, config.cwd);
  if (!cwd) throw fail('INVALID_CWD', `cwd "${config.cwd}" must be a relative path inside the run's workspace.`, false, { cwd: config.cwd });

  const built = config.cli === 'custom' ? buildCustomCommand(config) : buildPresetCommand(config.cli, config, cwd);
  if (typeof built === 'string') throw fail('INVALID_COMMAND', `command cannot be run: ${built}.`, false, { command: config.command });
  for (const why of built.ignored) ctx.log(`ignored ${why}`);

  const env = { ...(await secretsEnv(ctx, SECRETS[config.cli])), ...(config.cli === 'custom' ? customEnv(config) : {}) };
  // Parsed as it streams: readable assistant / tool lines reach the step log live, and the
  // report sees all of the output, however long.
  const parser = outputParser(config.cli, (line) => ctx.log(line));
  const result = await ctx.exec(built.command, built.args, { cwd, env, stdin: config.prompt, maxBuffer: MAX_OUTPUT, onStdout: (text) => parser.push(text) }).catch((e: unknown) => {
    if ((e as { code?: unknown } | null)?.code !== 'COMMAND_NOT_FOUND') throw e;
    const hint = config.cli === 'custom' ? INSTALL.custom : `install it (${INSTALL[config.cli]}) or set cli: custom with the command to run`;
    throw fail('COMMAND_NOT_FOUND', `The ${config.cli} CLI ("${built.command}") is not on the server's PATH: ${hint}.`, false, { command: built.command });
  });

  const report = parser.end();
  if (result.exitCode !== 0 || report.isError) {
    const how = result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : result.exitCode !== 0 ? `exited with code ${result.exitCode}` : 'reported an error';
    const why = report.errorMessage ?? lastLine(result.stderr) ?? lastTextLine(result.stdout);
    throw fail('AGENT_FAILED', `${built.command} ${how}${why ? `: ${why}` : ''}`, true, { exitCode: result.exitCode, signal: result.signal });
  }

  const message = report.finalMessage ?? '';
  const outputs: Record<string, unknown> = {
    message,
    cli: config.cli,
    ...(config.model ?? report.model ? { model: config.model ?? report.model } : {}),
    ...(report.costUsd !== undefined ? { cost_usd: report.costUsd } : {}),
    ...(report.tokens ? { tokens: report.tokens } : {}),
    ...(report.turns !== undefined ? { turns: report.turns } : {}),
    ...(report.sessionId ? { session_id: report.sessionId } : {}),
    summary: summaryLine(message),
  };
  if (config.output === 'json') {
    const parsed = parseJsonMessage(message);
    if (typeof parsed === 'string') throw fail('AGENT_OUTPUT_NOT_JSON', `output: json, but ${parsed}.`, false);
    outputs.result = parsed.value;
  }
  return outputs;
});

/** The CLI's API keys from the step's secrets. A missing one is fine: the CLI may be logged in. */
async function secretsEnv(ctx: NodeContext, names: string[]): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of names) {
    try {
      env[name] = await ctx.secret(name);
    } catch (e) {
      if ((e as { code?: unknown } | null)?.code !== 'SECRET_NOT_FOUND') throw e;
    }
  }
  return env;
}
