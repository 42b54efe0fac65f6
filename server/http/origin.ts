// Which requests may come from where. Two browser attacks on a local tool, closed here before
// any handler runs:
//
// - Cross-site requests: a page on another site POSTing to the API, or opening a websocket
//   to it, with the user's cookies. Browsers name the page's origin in `Origin` (and mark
//   `Sec-Fetch-Site`); a request whose origin is not this server's is refused. Requests with
//   no Origin — the CLI, curl, other servers — are not a browser's cross-site request.
// - DNS rebinding: a site whose name is made to resolve to 127.0.0.1, so the browser thinks it
//   talks to that site while it talks to us (Origin and Host then agree). While the server
//   listens on a loopback address, the Host header must name this machine (localhost,
//   127.0.0.1, [::1]) or a host the operator configured (PUBLIC_URL, ALLOWED_ORIGINS).
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export interface OriginPolicyOptions {
  /** The address the server listens on (HOST). */
  bindHost: string;
  /** The address users reach it at, when not this machine (PUBLIC_URL). */
  publicUrl?: string;
  /** Other origins allowed to call the API (ALLOWED_ORIGINS), e.g. https://tools.example.com. */
  allowedOrigins?: string[];
}

export type OriginVerdict = { ok: true } | { ok: false; status: 403 | 421; reason: string };

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(host: string): boolean {
  if (LOOPBACK_NAMES.has(host)) return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** "Example.com:3000" → "example.com"; "[::1]:3000" → "[::1]". */
function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

function originOf(url: string): URL | undefined {
  try { return new URL(url); } catch { return undefined; }
}

export function createOriginPolicy(opts: OriginPolicyOptions) {
  const allowedOrigins = new Set((opts.allowedOrigins ?? []).map((o) => originOf(o)?.origin).filter((o): o is string => !!o));
  const publicOrigin = opts.publicUrl ? originOf(opts.publicUrl) : undefined;
  if (publicOrigin) allowedOrigins.add(publicOrigin.origin);
  const allowedHosts = new Set([...allowedOrigins].map((o) => new URL(o).hostname.toLowerCase()));
  const checkHost = isLoopback(hostnameOf(opts.bindHost));

  return {
    check(req: IncomingMessage): OriginVerdict {
      const host = req.headers.host;
      if (checkHost) {
        const name = host ? hostnameOf(host) : '';
        if (!isLoopback(name) && !allowedHosts.has(name)) {
          return { ok: false, status: 421, reason: `this server answers to localhost; "${host ?? ''}" is not one of its names (set PUBLIC_URL to the address users open)` };
        }
      }
      const origin = req.headers.origin;
      if (origin === undefined) {
        return req.headers['sec-fetch-site'] === 'cross-site' ? { ok: false, status: 403, reason: 'cross-site request refused' } : { ok: true };
      }
      const parsed = origin === 'null' ? undefined : originOf(origin);
      if (parsed && (allowedOrigins.has(parsed.origin) || (host !== undefined && parsed.host.toLowerCase() === host.toLowerCase()))) return { ok: true };
      return { ok: false, status: 403, reason: `cross-site request refused: origin ${origin} is not this server (add it to ALLOWED_ORIGINS to allow it)` };
    },
  };
}

export type OriginPolicy = ReturnType<typeof createOriginPolicy>;
