import { describe, expect, it } from 'vitest';
import { bearerOf, readCookie, sessionCookie } from '../../../../server/auth/cookies.ts';
import { createRateLimiter } from '../../../../server/auth/rate-limit.ts';
import { allows, effectiveRole } from '../../../../server/auth/roles.ts';
import { mayDecide } from '../../../../server/auth/approvers.ts';
import { hashToken, newToken } from '../../../../server/auth/tokens.ts';

describe('roles', () => {
  it('rank viewer < runner < editor < owner', () => {
    expect(allows('owner', 'editor')).toBe(true);
    expect(allows('runner', 'runner')).toBe(true);
    expect(allows('runner', 'editor')).toBe(false);
    expect(allows('viewer', 'runner')).toBe(false);
  });

  it('cap a token at its widest scope, never above its owner', () => {
    expect(effectiveRole('owner', ['read'])).toBe('viewer');
    expect(effectiveRole('owner', ['read', 'run'])).toBe('runner');
    expect(effectiveRole('editor', ['admin'])).toBe('editor');
    expect(effectiveRole('runner')).toBe('runner');
  });
});

describe('rate limiter', () => {
  it('allows max attempts per window, then says when to retry', () => {
    const limit = createRateLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) expect(limit.hit('k', 1000 + i).allowed).toBe(true);
    expect(limit.hit('k', 2000)).toEqual({ allowed: false, retryAfterMs: 59_000 });
    expect(limit.hit('other', 2000).allowed).toBe(true);
    expect(limit.hit('k', 61_001).allowed).toBe(true);
    limit.reset('k');
    expect(limit.hit('k', 61_002).allowed).toBe(true);
  });
});

describe('cookies and tokens', () => {
  it('make an HttpOnly, SameSite=Lax session cookie, Secure over https', () => {
    const c = sessionCookie('sys_abc', new Date(Date.now() + 3600_000), true);
    expect(c).toMatch(/^sy_session=sys_abc; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3[56]\d\d; Secure$/);
    expect(sessionCookie('t', new Date(Date.now() + 1000), false)).not.toContain('Secure');
  });

  it('read a cookie and a bearer token', () => {
    expect(readCookie('a=1; sy_session=sys_x%3D; b=2', 'sy_session')).toBe('sys_x=');
    expect(readCookie('a=1', 'sy_session')).toBeUndefined();
    expect(bearerOf('Bearer sy_token')).toBe('sy_token');
    expect(bearerOf('Basic abc')).toBeUndefined();
  });

  it('are random, prefixed, and stored only as a hash', () => {
    const a = newToken('sy_');
    expect(a.token).toMatch(/^sy_[\w-]{43}$/);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).not.toContain(a.token.slice(3));
    expect(newToken('sy_').token).not.toBe(a.token);
  });
});

describe('gate approvers', () => {
  const caller = (role: 'viewer' | 'runner' | 'editor' | 'owner', scopes?: ('read' | 'run' | 'design' | 'admin')[]) =>
    ({ user: { id: 'cuid1', email: 'ada@example.com', name: 'Ada', role }, scopes, via: scopes ? 'token' : 'session' }) as const;

  it('admit named users by email or id, and roles at or above the one named', () => {
    expect(mayDecide(caller('viewer'), ['user:Ada@Example.com'])).toBe(true);
    expect(mayDecide(caller('viewer'), ['user:cuid1'])).toBe(true);
    expect(mayDecide(caller('runner'), ['role:runner'])).toBe(true);
    expect(mayDecide(caller('owner'), ['role:editor'])).toBe(true);
    expect(mayDecide(caller('runner'), ['role:editor', 'user:bob@example.com'])).toBe(false);
    expect(mayDecide(caller('owner', ['read']), ['role:runner'])).toBe(false);
  });
});
