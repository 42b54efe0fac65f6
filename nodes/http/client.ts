// One outgoing HTTP call for action nodes (http, notify's webhooks), on node:http/https: a
// time limit on top of the step's abort signal, up to MAX_REDIRECTS redirects, a capped body,
// failures as step errors that say what went wrong and whether a retry can help.
//
// The private-network guard checks the address actually connected to, not the name in the
// URL: a custom DNS lookup refuses before connecting, so a name that resolves to 127.0.0.1,
// a DNS answer that changes between check and use (rebinding), and every redirect hop are
// all covered. IP literals never reach a lookup and are checked up front. Each call has its
// own agent: a pooled socket opened for a step that may reach private addresses must not
// serve one that may not.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addAbortSignal } from 'node:stream';
import type { RunnerSettings } from '../../engine/nodes/define-node.ts';
import { privateAddressReason } from './addresses.ts';

export const MAX_REDIRECTS = 5;
// A step's whole output is capped at 1 MiB of JSON (engine/run/outcome.ts); escaping can more
// than double a body, so bodies stop well below that. Large downloads belong in a script step.
export const MAX_BODY_BYTES = 256 * 1024;

export interface StepFailure { code: string; message: string; retryable: boolean; details?: Record<string, unknown> }

export const failure = (code: string, message: string, retryable: boolean, details?: Record<string, unknown>): StepFailure =>
  ({ code, message, retryable, ...(details ? { details } : {}) });

export interface PrivateAccess { allowed: boolean; why: string }

/** The deployment's policy and the step's allow_private, combined (see RunnerSettings). */
export function privateAccess(settings: RunnerSettings, stepOption: boolean | undefined): PrivateAccess {
  if (settings.privateNetwork === 'never') {
    return { allowed: false, why: 'this server refuses private addresses whatever a step says (HTTP_ALLOW_PRIVATE=never)' };
  }
  if (stepOption !== undefined) return { allowed: stepOption, why: 'the step says allow_private: false' };
  return { allowed: settings.privateNetwork === 'allow', why: 'this server refuses them unless a step says allow_private: true (HTTP_ALLOW_PRIVATE=false)' };
}

export interface HttpCall {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  access: PrivateAccess;
  signal: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
  /** false: a redirect is the answer (default true). */
  followRedirects?: boolean;
  /** How messages name the call; default "<METHOD> <url>". A webhook URL is itself a secret. */
  label?: string;
}

export interface HttpAnswer {
  status: number;
  /** Names lower-cased (as node:http gives them). */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body went past maxBytes and was cut there. */
  truncated: boolean;
  /** Where the answer came from, after redirects. */
  url: URL;
  durationMs: number;
}

/** A URL fit for outputs, logs and error messages, which are all kept: no credentials. */
export function withoutCredentials(url: URL): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.toString();
}

/** Short enough for a one-line summary. */
export function shownUrl(url: URL): string {
  const text = withoutCredentials(url);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

class PrivateAddressError extends Error {
  constructor(readonly host: string, readonly address: string, readonly reason: string) {
    super(`${host} is ${address}, a ${reason} address`);
  }
}

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    // Every answer is checked, not just the first: with happy eyeballs the connection may use any.
    for (const a of addresses) {
      const reason = privateAddressReason(a.address);
      if (reason) return callback(new PrivateAddressError(hostname, a.address, reason), '', 0);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

function request(call: HttpCall, url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(url, {
      method, signal, agent: false,
      headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
      ...(call.access.allowed ? {} : { lookup: guardedLookup }),
    }, resolve);
    req.on('error', reject);
    req.end(body);
  });
}

async function readCapped(res: http.IncomingMessage, max: number, signal: AbortSignal): Promise<{ body: Buffer; truncated: boolean }> {
  addAbortSignal(signal, res);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size + chunk.length > max) {
      chunks.push(chunk.subarray(0, max - size));
      res.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

function checkTarget(call: HttpCall, url: URL, what: string): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw failure('HTTP_BAD_URL', `${what}: only http and https URLs can be called, not ${url.protocol}`, false);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const reason = isIP(host) && !call.access.allowed ? privateAddressReason(host) : undefined;
  if (reason) throw refusal(call, what, `${host} is a ${reason} address`);
}

const refusal = (call: HttpCall, what: string, detail: string) =>
  failure('HTTP_PRIVATE_ADDRESS', `${what} refused: ${detail}; ${call.access.why}`, false);

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** The next hop of a redirect, as browsers do it; undefined when `status` is not one. */
function redirect(hop: { method: string; url: URL; headers: Record<string, string>; body?: Buffer }, status: number, location: string | undefined) {
  if (!REDIRECTS.has(status) || !location) return undefined;
  const url = new URL(location, hop.url);
  const toGet = (status === 303 && hop.method !== 'HEAD') || ((status === 301 || status === 302) && hop.method === 'POST');
  const sameOrigin = url.origin === hop.url.origin;
  // Credentials were meant for the first host only; a body's headers go with the body.
  const headers = Object.fromEntries(Object.entries(hop.headers).filter(([k]) => {
    const name = k.toLowerCase();
    return (sameOrigin || !CREDENTIAL_HEADERS.has(name)) && !(toGet && name.startsWith('content-'));
  }));
  return { method: toGet ? 'GET' : hop.method, url, headers, body: toGet ? undefined : hop.body };
}

export async function sendHttp(call: HttpCall): Promise<HttpAnswer> {
  const started = performance.now();
  const timeout = call.timeoutMs !== undefined ? AbortSignal.timeout(call.timeoutMs) : undefined;
  const signal = timeout ? AbortSignal.any([call.signal, timeout]) : call.signal;
  const what = call.label ?? `${call.method} ${shownUrl(call.url)}`;
  let hop: { method: string; url: URL; headers: Record<string, string>; body?: Buffer } = call;
  try {
    for (let redirects = 0; ; redirects++) {
      checkTarget(call, hop.url, what);
      const res = await request(call, hop.url, hop.method, hop.headers, hop.body, signal);
      let next;
      try {
        next = call.followRedirects === false ? undefined : redirect(hop, res.statusCode ?? 0, res.headers.location);
      } catch {
        throw failure('HTTP_REDIRECT', `${what} redirected to an invalid URL: ${res.headers.location}`, false);
      }
      if (next) {
        res.resume();
        if (redirects === MAX_REDIRECTS) throw failure('HTTP_REDIRECT', `${what} redirected more than ${MAX_REDIRECTS} times`, false);
        hop = next;
        continue;
      }
      const { body, truncated } = await readCapped(res, call.maxBytes ?? MAX_BODY_BYTES, signal);
      return { status: res.statusCode ?? 0, headers: res.headers, body, truncated, url: hop.url, durationMs: Math.round(performance.now() - started) };
    }
  } catch (err) {
    if (call.signal.aborted) throw failure('ABORTED', `${what} was stopped: ${String((call.signal.reason as Error | undefined)?.message ?? call.signal.reason)}`, true);
    if (timeout?.aborted) throw failure('HTTP_TIMEOUT', `${what} got no complete answer within ${call.timeoutMs} ms`, true);
    throw networkFailure(call, what, err);
  }
}

const TLS = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS_|ERR_SSL_)/;

function networkFailure(call: HttpCall, what: string, err: unknown): StepFailure {
  if (err instanceof PrivateAddressError) return refusal(call, what, err.message);
  const e = err as { code?: unknown; retryable?: unknown; message?: string; hostname?: string };
  if (typeof e.retryable === 'boolean') return err as StepFailure;
  const code = typeof e.code === 'string' ? e.code : '';
  const host = call.url.host;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return failure('HTTP_DNS', `${what}: could not resolve ${e.hostname ?? host}`, true);
  if (code === 'ECONNREFUSED') return failure('HTTP_CONNECTION', `${what}: the connection was refused (nothing listening at ${host}?)`, true);
  if (code === 'ECONNRESET' || code === 'EPIPE') return failure('HTTP_CONNECTION', `${what}: the connection was closed before a complete answer`, true);
  if (TLS.test(code)) return failure('HTTP_TLS', `${what}: TLS failed: ${e.message ?? code}`, false);
  return failure('HTTP_NETWORK', `${what}: ${e.message ?? String(err)}${code ? ` (${code})` : ''}`, true);
}

/** Throws unless the answer's status is one of `expected`, or any 2xx when none are given. */
export function checkStatus(what: string, answer: HttpAnswer, expected: readonly number[] | undefined): void {
  const { status } = answer;
  if (expected ? expected.includes(status) : status >= 200 && status < 300) return;
  const wanted = expected ? expected.join(', ') : '2xx';
  // The start of the body usually says why; the rest stays out of the journal.
  throw failure('HTTP_STATUS', `${what} answered ${status}, expected ${wanted}`, status >= 500 || status === 429,
    { status, body: answer.body.subarray(0, 1000).toString('utf8') });
}
