import { defineRunnerWithSettings } from '../../engine/nodes/define-node.ts';
import { checkStatus, failure, privateAccess, sendHttp } from '../http/client.ts';
import definition from './definition.ts';

// A chat service that does not answer in this long is down; the step's retry policy decides what next.
const WEBHOOK_TIMEOUT_MS = 30_000;

export default defineRunnerWithSettings(definition, (settings) => async (ctx, config) => {
  const { channel, message } = config;
  if (channel === 'log') {
    ctx.log(message);
    return { channel, message };
  }
  if (channel === 'email') {
    // No mail transport exists yet (no SMTP settings in server/config.ts): say so rather than drop the message.
    throw failure('EMAIL_NOT_CONFIGURED', 'email is not configured on this server; use channel: webhook or log', false);
  }
  let url: URL;
  try {
    url = new URL(config.url!);
  } catch {
    throw failure('HTTP_BAD_URL', 'the webhook url is not a URL (expected http://… or https://…)', false);
  }
  // `text` is what Slack-compatible webhooks show; the rest is for receivers of our own.
  const body = Buffer.from(JSON.stringify({ text: message, message, run: ctx.runId, step: ctx.stepId }));
  // Webhook URLs carry their token in the path: only the origin is ever shown.
  const what = `webhook ${url.origin}`;
  const answer = await sendHttp({
    method: 'POST', url, body, label: what, signal: ctx.signal, timeoutMs: WEBHOOK_TIMEOUT_MS,
    headers: { 'content-type': 'application/json', 'user-agent': 'Switchyard' },
    access: privateAccess(settings, undefined),
  });
  checkStatus(what, answer, undefined);
  const summary = `${what} → ${answer.status}`;
  ctx.log(summary);
  return { channel, message, status: answer.status, summary: summary.slice(0, 200) };
});
