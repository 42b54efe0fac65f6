// Gemini CLI's `--output-format stream-json` (docs/cli/headless.md; packages/core/src/output/types.ts):
//   {"type":"init","timestamp":…,"session_id":…,"model":…}
//   {"type":"message","role":"user"|"assistant","content":…,"delta":true?}   (deltas concatenate)
//   {"type":"tool_use","tool_name":…,"tool_id":…,"parameters":{…}}
//   {"type":"tool_result","tool_id":…,"status":"success"|"error",…}
//   {"type":"error","severity":"warning"|"error","message":…}
//   {"type":"result","status":"success"|"error","error":{…}?,"stats":{"input_tokens":…,"output_tokens":…,…}}
// and `--output-format json`, one object: {"session_id":…,"response":…,"stats":{"models":{<name>:{"tokens":
// {"prompt":…,"candidates":…}}}},"error":{"message":…}?}. Gemini reports no cost and no turn count.
import { jsonLine, lineSplitter, num, obj, oneLine, str, tokens, type AgentReport, type OutputParser } from './lines.ts';

const WHOLE_MAX = 8 * 1024 * 1024;

export function geminiParser(note: (line: string) => void = () => undefined): OutputParser {
  const report: AgentReport = {};
  // The assistant's text since the last tool call: what it said after its work is the answer.
  let text = '';
  let toolSinceText = false;
  // `--output-format json` is pretty-printed over many lines: kept whole until an event shows
  // this is the stream format after all.
  let whole: string | undefined = '';
  const flush = () => {
    if (text.trim()) note(`assistant: ${oneLine(text)}`);
  };

  const onWhole = (e: Record<string, unknown>) => {
    report.sessionId = str(e.session_id) ?? report.sessionId;
    report.finalMessage = str(e.response) ?? report.finalMessage;
    let input: number | undefined;
    let output: number | undefined;
    for (const m of Object.values(obj(obj(e.stats)?.models) ?? {})) {
      const t = obj(obj(m)?.tokens);
      if (num(t?.prompt) !== undefined) input = (input ?? 0) + num(t?.prompt)!;
      if (num(t?.candidates) !== undefined) output = (output ?? 0) + num(t?.candidates)!;
    }
    report.tokens = tokens(input, output) ?? report.tokens;
    const error = obj(e.error);
    if (error) { report.isError = true; report.errorMessage = str(error.message) ?? 'gemini reported an error'; }
  };

  const lines = lineSplitter((line) => {
    const e = jsonLine(line);
    if (!e) return;
    whole = undefined;
    if (e.type === 'init') {
      report.sessionId = str(e.session_id);
      report.model = str(e.model);
    } else if (e.type === 'message' && e.role === 'assistant' && str(e.content) !== undefined) {
      if (toolSinceText) { text = ''; toolSinceText = false; }
      text += e.delta === true ? str(e.content) : (text ? '\n' : '') + str(e.content);
    } else if (e.type === 'tool_use') {
      if (!toolSinceText) flush();
      toolSinceText = true;
      note(`tool: ${str(e.tool_name) ?? '?'} ${oneLine(JSON.stringify(e.parameters ?? {}), 160)}`);
    } else if (e.type === 'error') {
      note(`${str(e.severity) ?? 'error'}: ${oneLine(str(e.message) ?? '?')}`);
    } else if (e.type === 'result') {
      const stats = obj(e.stats);
      report.tokens = tokens(num(stats?.input_tokens), num(stats?.output_tokens));
      if (e.status === 'error') {
        report.isError = true;
        report.errorMessage = str(obj(e.error)?.message) ?? 'gemini reported an error';
      }
    } else if (e.type === undefined && ('response' in e || 'error' in e)) {
      onWhole(e);
    }
  });

  return {
    push(chunk) {
      if (whole !== undefined && whole.length < WHOLE_MAX) whole += chunk;
      lines.push(chunk);
    },
    end() {
      lines.end();
      const single = whole ? jsonLine(whole.slice(whole.indexOf('{'))) : undefined;
      if (single) onWhole(single);
      if (report.finalMessage === undefined && text) {
        if (!toolSinceText) flush();
        report.finalMessage = text;
      }
      return report;
    },
  };
}
