// Accounts over real HTTP on both databases: the first owner, sessions in HttpOnly cookies,
// sign-in with one message for every wrong credential and a rate limit, invitations with a
// role, API tokens capped by scopes and revocable, and the audit log naming who did what.
import { describe, expect, it } from 'vitest';
import { useApiServer } from '../../helpers/api-fixture.ts';
import { databaseKinds } from '../../helpers/databases.ts';

interface Reply { status: number; data?: Record<string, unknown>; error?: { message: string; code: string }; cookie?: string }

describe.each(databaseKinds)('accounts on %s', (kind) => {
  const fx = useApiServer(kind, {}, { auth: false }); // a fresh deployment: nobody set up yet

  async function call(path: string, input?: unknown, auth: { cookie?: string; bearer?: string; mutation?: boolean } = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
    const url = `${fx.server.url}/api/trpc/${path}`;
    const mutation = auth.mutation ?? !/\.(status|list)$/.test(path);
    const res = mutation
      ? await fetch(url, { method: 'POST', headers, body: JSON.stringify(input ?? {}) })
      : await fetch(`${url}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { headers });
    const body = (await res.json()) as { result?: { data: Record<string, unknown> }; error?: { message: string; data: { code: string } } };
    const setCookie = res.headers.get('set-cookie') ?? undefined;
    return { status: res.status, data: body.result?.data, error: body.error ? { message: body.error.message, code: body.error.data.code } : undefined, cookie: setCookie };
  }
  const cookieOf = (r: Reply) => r.cookie!.split(';')[0]!;
  const owner = { email: 'Owner@Example.com', name: 'Olive Owner', password: 'correct horse battery' };
  let ownerCookie = '';

  it('starts with the owner set-up, which signs the owner in with an HttpOnly, SameSite cookie', async () => {
    expect((await call('auth.status')).data).toEqual({ needsSetup: true, user: null });
    const weak = await call('auth.setup', { ...owner, password: 'short' });
    expect(weak.error?.code).toBe('BAD_REQUEST');
    const setup = await call('auth.setup', owner);
    expect(setup.data?.user).toMatchObject({ email: 'owner@example.com', role: 'owner' });
    expect(setup.cookie).toMatch(/^sy_session=sys_[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    ownerCookie = cookieOf(setup);
    expect((await call('auth.status', undefined, { cookie: ownerCookie })).data).toMatchObject({ needsSetup: false, user: { email: 'owner@example.com', role: 'owner' } });
    expect((await call('auth.setup', { ...owner, email: 'second@example.com' })).error?.code).toBe('CONFLICT');
    const row = await fx.server.app.context.db.user.findUniqueOrThrow({ where: { email: 'owner@example.com' } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('signs in and out; wrong email and wrong password get the same answer; guessing is rate-limited', async () => {
    const signedIn = await call('auth.signIn', { email: 'owner@example.com', password: owner.password });
    expect(signedIn.data?.user).toMatchObject({ role: 'owner' });
    const cookie = cookieOf(signedIn);
    const out = await call('auth.signOut', {}, { cookie });
    expect(out.cookie).toMatch(/^sy_session=; .*Max-Age=0/);
    expect((await call('auth.status', undefined, { cookie })).data?.user).toBeNull();

    const wrongPassword = await call('auth.signIn', { email: 'owner@example.com', password: 'nope nope nope' });
    const unknownEmail = await call('auth.signIn', { email: 'nobody@example.com', password: 'nope nope nope' });
    expect([wrongPassword.status, wrongPassword.error]).toEqual([401, { code: 'UNAUTHORIZED', message: 'Wrong email or password.' }]);
    expect(unknownEmail.error).toEqual(wrongPassword.error);
    for (let i = 0; i < 4; i++) await call('auth.signIn', { email: 'owner@example.com', password: 'still wrong!!' }); // 5 wrong in all
    const limited = await call('auth.signIn', { email: 'owner@example.com', password: owner.password });
    expect([limited.status, limited.error?.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(limited.error?.message).toMatch(/Too many sign-in attempts; try again in \d+ minute/);
  });

  it('invites by link with a role; only owners invite; the link works once', async () => {
    const invite = await call('auth.invite', { role: 'editor' }, { cookie: ownerCookie });
    const token = invite.data?.token as string;
    expect(token).toMatch(/^syi_/);
    const joined = await call('auth.acceptInvitation', { token, email: 'ed@example.com', name: 'Ed Editor', password: 'edits all day long' });
    expect(joined.data?.user).toMatchObject({ email: 'ed@example.com', role: 'editor' });
    expect((await call('auth.acceptInvitation', { token, email: 'eve@example.com', name: 'Eve', password: 'another password!' })).error?.message).toMatch(/not valid any more/);
    const editorInvites = await call('auth.invite', { role: 'owner' }, { cookie: cookieOf(joined) });
    expect([editorInvites.status, editorInvites.error?.message]).toEqual([403, 'This needs the owner role; you are editor.']);
    expect((await call('auth.invite', { role: 'viewer' })).status).toBe(401);
  });

  it('lists people for owners and changes roles, never demoting the last owner', async () => {
    const people = (await call('auth.users.list', undefined, { cookie: ownerCookie })).data as unknown as { id: string; email: string; role: string }[];
    expect(people.map((p) => [p.email, p.role])).toEqual([['owner@example.com', 'owner'], ['ed@example.com', 'editor']]);
    const ed = people.find((p) => p.email === 'ed@example.com')!;
    expect((await call('auth.users.setRole', { id: ed.id, role: 'viewer' }, { cookie: ownerCookie })).data).toMatchObject({ role: 'viewer' });
    const me = people.find((p) => p.role === 'owner')!;
    const last = await call('auth.users.setRole', { id: me.id, role: 'editor' }, { cookie: ownerCookie });
    expect([last.status, last.error?.message]).toEqual([409, 'This is the last owner: make someone else an owner first.']);
  });

  it('issues API tokens shown once, capped by their scopes, and revocable', async () => {
    const created = await call('auth.tokens.create', { name: 'CI', scopes: ['read'] }, { cookie: ownerCookie });
    const token = created.data?.token as string;
    expect(token).toMatch(/^sy_/);
    const listed = await call('auth.tokens.list', undefined, { cookie: ownerCookie });
    expect(JSON.stringify(listed.data)).not.toContain(token);
    expect(listed.data).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'CI', prefix: token.slice(0, 8), scopes: ['read'] })]));
    expect((await call('auth.status', undefined, { bearer: token })).data?.user).toMatchObject({ email: 'owner@example.com' });
    const capped = await call('auth.invite', { role: 'viewer' }, { bearer: token });
    expect([capped.status, capped.error?.message]).toEqual([403, 'This needs the owner role; this token is limited to viewer.']);
    await call('auth.tokens.revoke', { id: created.data?.id }, { cookie: ownerCookie });
    expect((await call('auth.status', undefined, { bearer: token })).data?.user).toBeNull();
  });

  it('names the signed-in user in the audit log, and never records a password or token', async () => {
    await call('workflows.create', { name: 'Made by Olive' }, { cookie: ownerCookie });
    const events = (await call('audit.list', {}, { cookie: ownerCookie })).data as unknown as { action: string; actor: string | null; details: unknown }[];
    expect(events.find((e) => e.action === 'workflows.create')).toMatchObject({ actor: 'owner@example.com' });
    expect(events.find((e) => e.action === 'auth.setup')?.details).toMatchObject({ password: '‹hidden›' });
    expect(JSON.stringify(events)).not.toMatch(/correct horse|edits all day|syi_|sys_/);
  });
});
