import { defineRunnerWithSettings } from '../../engine/nodes/define-node.ts';
import { parseDuration } from '../../engine/format/duration.ts';
import { checkStatus, failure, MAX_BODY_BYTES, privateAccess, sendHttp, shownUrl, withoutCredentials } from './client.ts';
import definition from './definition.ts';

function targetUrl(raw: string, query: Record<string, string | number | boolean> | undefined): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw failure('HTTP_BAD_URL', `"${raw.slice(0, 200)}" is not a URL (expected http://… or https://…)`, false);
  }
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.append(k, String(v));
  return url;
}

const hasHeader = (headers: Record<string, string>, name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);

function encodeBody(body: unknown, type: 'json' | 'text', headers: Record<string, string>): Buffer | undefined {
  if (body === undefined) return undefined;
  if (type === 'text') {
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
    return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  }
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  return Buffer.from(JSON.stringify(body));
}

const JSON_TYPE = /^application\/([\w.+-]*\+)?json\b|^text\/json\b/i;

export default defineRunnerWithSettings(definition, (settings) => async (ctx, config) => {
  const url = targetUrl(config.url, config.query);
  const headers: Record<string, string> = { ...config.headers };
  if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = 'Switchyard';
  const body = encodeBody(config.body, config.body_type, headers);
  const answer = await sendHttp({
    method: config.method, url, headers, body, signal: ctx.signal,
    access: privateAccess(settings, config.allow_private),
    timeoutMs: config.timeout ? parseDuration(config.timeout) : undefined,
    // Expecting a 3xx means the redirect itself is the answer wanted (e.g. a Location header).
    followRedirects: !config.expect_status?.some((status) => status >= 300 && status < 400),
  });
  const what = `${config.method} ${shownUrl(url)}`;
  const summary = `${what} → ${answer.status} (${answer.durationMs} ms)`;
  ctx.log(summary + (answer.truncated ? `, body cut at ${MAX_BODY_BYTES / 1024} KiB` : ''));
  checkStatus(what, answer, config.expect_status);

  let parsed: unknown = answer.body.toString('utf8');
  if (!answer.truncated && JSON_TYPE.test(String(answer.headers['content-type'] ?? ''))) {
    try {
      parsed = answer.body.length ? JSON.parse(parsed as string) : null;
    } catch {
      ctx.log('the answer says it is JSON but does not parse: body kept as text');
    }
  }
  return {
    status: answer.status, headers: answer.headers, body: parsed, truncated: answer.truncated,
    url: withoutCredentials(answer.url), duration_ms: answer.durationMs, summary: summary.slice(0, 200),
  };
});
