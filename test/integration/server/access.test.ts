// Deny by default, checked over every procedure the router has — taken from the router
// itself, so a procedure added later is covered without anyone listing it: anonymous callers
// get 401 except on the few procedures that must work before sign-in, and each role gets 403
// on what needs a stronger one. Roles only add: what a viewer may do, a runner may too.
// The websocket endpoints too: socket.io (handshake and upgrade) and Yjs rooms, random ones.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../../../server/trpc/router.ts';
import { useApiServer } from '../../helpers/api-fixture.ts';

/** Safe before sign-in: the health check and the ways to get a session. */
const PUBLIC = new Set(['system.health', 'auth.status', 'auth.setup', 'auth.signIn', 'auth.signOut', 'auth.acceptInvitation']);

const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: 'query' | 'mutation' } }> } })._def.procedures)
  .map(([path, p]) => ({ path, type: p._def.type }));

describe('access to every procedure', () => {
  const fx = useApiServer('sqlite', {});

  async function status(path: string, type: 'query' | 'mutation', token?: string): Promise<number> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const url = `${fx.server.url}/api/trpc/${path}`;
    const res = type === 'mutation' ? await fetch(url, { method: 'POST', headers, body: '{}' }) : await fetch(url, { headers });
    await res.body?.cancel();
    return res.status;
  }

  /** The status an upgrade gets (101 when accepted). */
  function upgrade(pathname: string, token?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${fx.server.url}${pathname}`, { headers: {
        connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      } });
      req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0); });
      req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end();
    });
  }

  it('refuses anonymous websockets on every upgrade path, and accepts signed-in ones', async () => {
    const rooms = Array.from({ length: 5 }, () => `/yjs/${randomUUID()}`);
    const { token: viewer } = await fx.server.user('viewer');
    for (const pathname of ['/socket.io/?EIO=4&transport=websocket', ...rooms]) {
      expect(await upgrade(pathname), `${pathname} anonymous`).not.toBe(101);
      expect(await upgrade(pathname, viewer), `${pathname} as a viewer`).toBe(101);
    }
    const handshake = await fetch(`${fx.server.url}/socket.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(403);
    await handshake.body?.cancel();
  });

  it('finds the procedures in the router', () => {
    expect(procedures.length).toBeGreaterThan(40);
    expect(procedures.map((p) => p.path)).toEqual(expect.arrayContaining(['workflows.create', 'runs.start', 'secrets.create', 'audit.list']));
  });

  it('answers 401 to anonymous callers everywhere but the public few', async () => {
    const open: string[] = [];
    for (const p of procedures) {
      if (PUBLIC.has(p.path)) continue;
      if ((await status(p.path, p.type)) !== 401) open.push(p.path);
    }
    expect(open).toEqual([]);
  });

  it('answers 403 to roles that are too weak, and roles only add', async () => {
    const allowed: Record<string, Set<string>> = {};
    for (const role of ['viewer', 'runner', 'editor', 'owner'] as const) {
      const { token } = role === 'owner' ? { token: fx.server.token! } : await fx.server.user(role);
      allowed[role] = new Set();
      for (const p of procedures) {
        const s = await status(p.path, p.type, token);
        expect(s, `${p.path} as ${role}`).not.toBe(401);
        if (s !== 403) allowed[role].add(p.path);
      }
    }
    for (const [weaker, stronger] of [['viewer', 'runner'], ['runner', 'editor'], ['editor', 'owner']] as const) {
      expect([...allowed[weaker]!].filter((p) => !allowed[stronger]!.has(p)), `${weaker} ⊆ ${stronger}`).toEqual([]);
    }
    expect(allowed.owner!.size).toBe(procedures.length);
    // Spot checks of the policy: viewers read, runners run, editors design, owners manage.
    const can = (role: string, path: string) => allowed[role]!.has(path);
    expect([can('viewer', 'workflows.list'), can('viewer', 'runs.get'), can('viewer', 'runs.start'), can('viewer', 'workflows.update')]).toEqual([true, true, false, false]);
    expect([can('runner', 'runs.start'), can('runner', 'runs.decide'), can('runner', 'runs.cancel'), can('runner', 'workflows.create')]).toEqual([true, true, true, false]);
    expect([can('editor', 'workflows.create'), can('editor', 'versions.publish'), can('editor', 'secrets.list'), can('editor', 'secrets.create'), can('editor', 'audit.list')]).toEqual([true, true, true, false, false]);
    // Every change but one's own session and tokens needs more than a viewer.
    const viewerChanges = procedures.filter((p) => p.type === 'mutation' && allowed.viewer!.has(p.path) && !PUBLIC.has(p.path)).map((p) => p.path);
    expect(viewerChanges.sort()).toEqual(['auth.tokens.create', 'auth.tokens.revoke']);
  });
});
