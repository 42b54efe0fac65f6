// Claude Code's `-p --output-format stream-json --verbose` (one JSON object per line) — also
// `--output-format json`, which prints the same final object alone:
//   {"type":"system","subtype":"init","session_id":…,"model":…}
//   {"type":"assistant","message":{"content":[{"type":"text","text":…},{"type":"tool_use","name":…,"input":{…}}]}}
//   {"type":"user","message":{"content":[{"type":"tool_result",…}]}}
//   {"type":"result","subtype":"success"|"error_max_turns"|…,"is_error":…,"result":…,
//    "total_cost_usd":…,"usage":{"input_tokens":…,"output_tokens":…,…},"num_turns":…,"session_id":…}
import { jsonLine, lineSplitter, num, obj, oneLine, str, tokens, type AgentReport, type OutputParser } from './lines.ts';

export function claudeParser(note: (line: string) => void = () => undefined): OutputParser {
  const report: AgentReport = {};
  let lastText: string | undefined;
  const lines = lineSplitter((line) => {
    const e = jsonLine(line);
    if (!e) return;
    report.sessionId = str(e.session_id) ?? report.sessionId;
    if (e.type === 'system' && e.subtype === 'init') {
      report.model = str(e.model) ?? report.model;
    } else if (e.type === 'assistant') {
      const content = obj(e.message)?.content;
      for (const block of Array.isArray(content) ? content : []) {
        const b = obj(block);
        if (b?.type === 'text' && str(b.text)?.trim()) {
          lastText = str(b.text);
          note(`assistant: ${oneLine(lastText!)}`);
        } else if (b?.type === 'tool_use') {
          note(`tool: ${str(b.name) ?? '?'} ${oneLine(JSON.stringify(b.input ?? {}), 160)}`);
        }
      }
    } else if (e.type === 'result') {
      const subtype = str(e.subtype);
      const failed = e.is_error === true || (subtype !== undefined && subtype !== 'success');
      report.finalMessage = str(e.result) ?? lastText;
      report.costUsd = num(e.total_cost_usd) ?? num(e.cost_usd);
      const usage = obj(e.usage);
      report.tokens = tokens(num(usage?.input_tokens), num(usage?.output_tokens));
      report.turns = num(e.num_turns);
      if (failed) {
        report.isError = true;
        const errors = Array.isArray(e.errors) ? e.errors.filter((x): x is string => typeof x === 'string') : [];
        report.errorMessage = errors.at(-1) ?? str(e.result) ?? subtype ?? 'the result says is_error';
      }
    }
  });
  return {
    push: lines.push,
    end() {
      lines.end();
      report.finalMessage ??= lastText;
      return report;
    },
  };
}
