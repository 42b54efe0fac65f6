// `codex exec --json` (JSON Lines; codex-rs/exec/src/exec_events.rs, docs/exec.md):
//   {"type":"thread.started","thread_id":…}
//   {"type":"turn.started"}
//   {"type":"item.started"|"item.updated"|"item.completed","item":{"id":…,"type":"agent_message"|"reasoning"|
//     "command_execution"|"file_change"|"mcp_tool_call"|"web_search"|"todo_list"|"error",…}}
//   {"type":"turn.completed","usage":{"input_tokens":…,"cached_input_tokens":…,"output_tokens":…}}
//   {"type":"turn.failed","error":{"message":…}}      {"type":"error","message":…}
// Versions before the thread/turn/item events wrote {"id":…,"msg":{"type":"agent_message","message":…}}
// and {"msg":{"type":"token_count",…}}; those are understood too. Codex reports no cost.
import { jsonLine, lineSplitter, num, obj, oneLine, str, tokens, type AgentReport, type OutputParser } from './lines.ts';

export function codexParser(note: (line: string) => void = () => undefined): OutputParser {
  const report: AgentReport = {};
  let input: number | undefined;
  let output: number | undefined;
  let turns = 0;
  const fail = (message: string | undefined) => {
    report.isError = true;
    report.errorMessage = message ?? 'codex reported an error';
  };
  const addUsage = (u: Record<string, unknown> | undefined) => {
    const i = num(u?.input_tokens);
    const o = num(u?.output_tokens);
    if (i !== undefined) input = (input ?? 0) + i;
    if (o !== undefined) output = (output ?? 0) + o;
  };

  const onItem = (item: Record<string, unknown>) => {
    if (item.type === 'agent_message' && str(item.text) !== undefined) {
      report.finalMessage = str(item.text);
      note(`assistant: ${oneLine(report.finalMessage!)}`);
    } else if (item.type === 'command_execution') {
      note(`command: ${oneLine(str(item.command) ?? '?', 160)}${num(item.exit_code) !== undefined ? ` (exit ${num(item.exit_code)})` : ''}`);
    } else if (item.type === 'file_change') {
      const changes = Array.isArray(item.changes) ? item.changes.map((c) => `${str(obj(c)?.kind) ?? '?'} ${str(obj(c)?.path) ?? '?'}`) : [];
      note(`files: ${oneLine(changes.join(', '), 160)}`);
    } else if (item.type === 'mcp_tool_call') {
      note(`tool: ${str(item.server) ?? '?'}.${str(item.tool) ?? '?'}`);
    } else if (item.type === 'error') {
      note(`error: ${oneLine(str(item.message) ?? '?')}`);
    }
  };

  const onLegacy = (msg: Record<string, unknown>) => {
    if (msg.type === 'agent_message') report.finalMessage = str(msg.message) ?? report.finalMessage;
    else if (msg.type === 'task_complete') report.finalMessage = str(msg.last_agent_message) ?? report.finalMessage;
    else if (msg.type === 'token_count') addUsage(obj(msg.info) ? obj(obj(msg.info)!.total_token_usage) : msg);
    else if (msg.type === 'error') fail(str(msg.message));
  };

  const lines = lineSplitter((line) => {
    const e = jsonLine(line);
    if (!e) return;
    if (e.type === 'thread.started') report.sessionId = str(e.thread_id);
    else if (e.type === 'item.completed' && obj(e.item)) onItem(obj(e.item)!);
    else if (e.type === 'turn.completed') { turns++; addUsage(obj(e.usage)); }
    else if (e.type === 'turn.failed') fail(str(obj(e.error)?.message));
    else if (e.type === 'error') fail(str(e.message));
    else if (obj(e.msg)) onLegacy(obj(e.msg)!);
  });

  return {
    push: lines.push,
    end() {
      lines.end();
      report.tokens = tokens(input, output);
      if (turns > 0) report.turns = turns;
      return report;
    },
  };
}
