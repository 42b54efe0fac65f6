import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from '../../../server/http/origin.ts';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('origin policy', () => {
  const local = createOriginPolicy({ bindHost: '127.0.0.1' });

  it('lets same-origin browsers and origin-less clients (CLI, curl) through', () => {
    expect(local.check(req({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }))).toEqual({ ok: true });
    expect(local.check(req({ host: 'localhost:3000', origin: 'http://localhost:3000' }))).toEqual({ ok: true });
    expect(local.check(req({ host: '[::1]:3000', origin: 'http://[::1]:3000' }))).toEqual({ ok: true });
    expect(local.check(req({ host: 'localhost:3000' }))).toEqual({ ok: true });
  });

  it('refuses another site, a sandboxed page, and a cross-site fetch that hides its origin', () => {
    expect(local.check(req({ host: 'localhost:3000', origin: 'https://evil.example' }))).toMatchObject({ ok: false, status: 403, reason: expect.stringContaining('https://evil.example') as string });
    expect(local.check(req({ host: 'localhost:3000', origin: 'http://localhost:4000' }))).toMatchObject({ ok: false, status: 403 });
    expect(local.check(req({ host: 'localhost:3000', origin: 'null' }))).toMatchObject({ ok: false, status: 403 });
    expect(local.check(req({ host: 'localhost:3000', 'sec-fetch-site': 'cross-site' }))).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a host name that is not this machine while listening on loopback (DNS rebinding)', () => {
    expect(local.check(req({ host: 'rebind.evil.example:3000', origin: 'http://rebind.evil.example:3000' }))).toMatchObject({ ok: false, status: 421, reason: expect.stringContaining('PUBLIC_URL') as string });
    expect(local.check(req({}))).toMatchObject({ ok: false, status: 421 });
  });

  it('allows the configured public address and extra origins', () => {
    const proxied = createOriginPolicy({ bindHost: '127.0.0.1', publicUrl: 'https://switchyard.example.com', allowedOrigins: ['https://portal.example.com'] });
    expect(proxied.check(req({ host: 'switchyard.example.com', origin: 'https://switchyard.example.com' }))).toEqual({ ok: true });
    expect(proxied.check(req({ host: 'switchyard.example.com', origin: 'https://portal.example.com' }))).toEqual({ ok: true });
    expect(proxied.check(req({ host: 'switchyard.example.com', origin: 'https://other.example.com' }))).toMatchObject({ ok: false, status: 403 });
  });

  it('does not check the host name when listening on all interfaces, but still the origin', () => {
    const open = createOriginPolicy({ bindHost: '0.0.0.0' });
    expect(open.check(req({ host: 'build-box:3000', origin: 'http://build-box:3000' }))).toEqual({ ok: true });
    expect(open.check(req({ host: 'build-box:3000', origin: 'http://evil.example' }))).toMatchObject({ ok: false, status: 403 });
  });
});
