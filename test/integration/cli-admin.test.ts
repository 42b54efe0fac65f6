// `switchyard secrets` and `switchyard users` on the server's data directory: a secret piped in is sealed with the
// server's key (a server on that directory reads it), never printed, and deleted by name.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSwitchyard } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { silentLogger } from '../../server/logger.ts';
import { repoRoot } from '../helpers/server-process.ts';

const bin = path.join(repoRoot, 'server/cli/switchyard.mjs');

function cli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('switchyard secrets', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-cli-secrets-'));
  const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'error', NO_COLOR: '1' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets a value from standard input that a server on the same directory reads, and never prints it', async () => {
    const set = await cli(['secrets', 'set', 'DEPLOY_KEY'], env, 'k3y-from-stdin\n');
    expect(set).toMatchObject({ code: 0, stderr: 'secret DEPLOY_KEY created\n' });
    const rotated = await cli(['secrets', 'set', 'DEPLOY_KEY'], env, 'k3y-rotated');
    expect(rotated.stderr).toBe('secret DEPLOY_KEY rotated to version 2\n');
    const list = await cli(['secrets', 'list'], env);
    expect(list.stdout).toMatch(/^DEPLOY_KEY +v2 +\d{4}-/m);
    expect(list.stdout + set.stdout + rotated.stdout).not.toContain('k3y');
    const app = await createSwitchyard(loadConfig({ PORT: '0', DATA_DIR: dir, NODE_ENV: 'test' }), { ui: false, log: silentLogger });
    try {
      expect(app.context.secrets.get('DEPLOY_KEY')).toBe('k3y-rotated');
    } finally {
      await app.close();
    }
  });

  it('refuses a bad name or an empty value (exit 2), and deletes by name', async () => {
    expect(await cli(['secrets', 'set', 'not a name'], env, 'v')).toMatchObject({ code: 2, stderr: expect.stringContaining('the name must be letters, digits and "_"') as string });
    expect(await cli(['secrets', 'set', 'EMPTY'], env, '\n')).toMatchObject({ code: 2, stderr: expect.stringContaining('the value must not be empty') as string });
    expect((await cli(['secrets', 'delete', 'DEPLOY_KEY'], env)).code).toBe(0);
    expect((await cli(['secrets', 'list'], env)).stdout).toContain('No secrets yet');
    expect(await cli(['secrets', 'delete', 'DEPLOY_KEY'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('Secret "DEPLOY_KEY" does not exist') as string });
  });
});

describe('switchyard users reset-password', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-cli-users-'));
  const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'error' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a locked-out owner a new password, printed once, and ends their sessions', async () => {
    const app = await createSwitchyard(loadConfig({ PORT: '0', DATA_DIR: dir, NODE_ENV: 'test' }), { ui: false, log: silentLogger });
    try {
      await app.context.accounts.setupOwner({ email: 'owner@example.com', name: 'Owner', password: 'forgotten password' });
    } finally {
      await app.close();
    }
    const r = await cli(['users', 'reset-password', 'owner@example.com'], env);
    expect(r.code).toBe(0);
    const password = r.stdout.trim();
    expect(password).toMatch(/^[\w-]{20}$/);
    expect(r.stderr).toContain('shown once');
    const again = await createSwitchyard(loadConfig({ PORT: '0', DATA_DIR: dir, NODE_ENV: 'test' }), { ui: false, log: silentLogger });
    try {
      expect(await again.context.db.session.count()).toBe(0);
      expect((await again.context.accounts.signIn({ email: 'owner@example.com', password })).user.role).toBe('owner');
      await expect(again.context.accounts.signIn({ email: 'owner@example.com', password: 'forgotten password' })).rejects.toThrow('Wrong email or password.');
    } finally {
      await again.close();
    }
    expect(await cli(['users', 'reset-password', 'nobody@example.com'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('User "nobody@example.com" does not exist') as string });
  });
});
