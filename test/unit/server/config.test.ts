import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadOrCreateSecretKey, parseEnv } from '../../../server/config.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'switchyard-config-'));

describe('configuration', () => {
  it('has private, embedded defaults', () => {
    const dir = tmp();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.database).toEqual({ provider: 'sqlite', file: path.join(dir, 'switchyard.db'), synchronous: 'NORMAL' });
    expect(c.engine.stepLogMaxBytes).toBe(10 * 1024 * 1024);
    expect(loadConfig({ DATA_DIR: dir, STEP_LOG_MAX_BYTES: '65536' }).engine.stepLogMaxBytes).toBe(65536);
  });

  it('selects PostgreSQL from a postgres URL', () => {
    const c = loadConfig({ DATA_DIR: tmp(), DATABASE_URL: 'postgresql://u@db:5432/app' });
    expect(c.database).toEqual({ provider: 'postgresql', url: 'postgresql://u@db:5432/app' });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['SECRET_KEY', 'short'],
    ['SQLITE_SYNCHRONOUS', 'OFF'],
    ['STEP_LOG_MAX_BYTES', '100'],
    ['STEP_LOG_MAX_BYTES', '2000000000'],
    ['HTTP_ALLOW_PRIVATE', 'yes'],
  ])('stops on a bad %s with a message naming it', (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => parseEnv({ [name]: value })).toThrow(new RegExp(`${name}="${value}"`));
  });

  it('refuses private network addresses by default in production only', () => {
    const dir = tmp();
    const policy = (env: Record<string, string>, dev?: boolean) => loadConfig({ DATA_DIR: dir, ...env }, { dev }).runners.privateNetwork;
    expect(policy({})).toBe('refuse');
    expect(policy({ NODE_ENV: 'development' })).toBe('allow');
    expect(policy({ NODE_ENV: 'test' })).toBe('allow');
    expect(policy({}, true)).toBe('allow');
    expect(policy({ NODE_ENV: 'test', HTTP_ALLOW_PRIVATE: 'false' })).toBe('refuse');
    expect(policy({ HTTP_ALLOW_PRIVATE: 'true' })).toBe('allow');
    expect(policy({ HTTP_ALLOW_PRIVATE: 'never' }, true)).toBe('never');
  });

  it('generates a secret key once, readable by the owner only, and keeps it', () => {
    const dir = tmp();
    const first = loadOrCreateSecretKey(dir);
    expect(first).toHaveLength(32);
    expect(statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecretKey(dir).equals(first)).toBe(true);
    expect(readFileSync(path.join(dir, 'secret.key'), 'utf8').trim()).toBe(first.toString('hex'));
  });

  it('prefers a given SECRET_KEY and refuses a corrupt key file', () => {
    const dir = tmp();
    expect(loadOrCreateSecretKey(dir, 'ab'.repeat(32)).toString('hex')).toBe('ab'.repeat(32));
    writeFileSync(path.join(dir, 'secret.key'), 'garbage');
    expect(() => loadOrCreateSecretKey(dir)).toThrow(/corrupt/);
  });
});
