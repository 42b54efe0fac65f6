// Pure parts of the node context: artifact names, secret variable names, the output tail buffer.
import { describe, expect, it } from 'vitest';
import { safeArtifactName } from '../../../../server/engine/node-context/artifacts.ts';
import { createEnvSecretStore, secretEnvName } from '../../../../server/engine/node-context/secrets.ts';
import { TailBuffer } from '../../../../server/engine/node-context/tail-buffer.ts';

describe('artifact names', () => {
  it('accepts relative paths that stay inside, normalised', () => {
    expect(safeArtifactName('report.html')).toBe('report.html');
    expect(safeArtifactName('out/./a/../b.txt')).toBe('out/b.txt');
    expect(safeArtifactName('dir\\file.txt')).toBe('dir/file.txt');
  });
  it('refuses empty, absolute, escaping and folder names', () => {
    for (const bad of ['', '.', '..', '../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'a/', 'nul\0byte']) expect(safeArtifactName(bad), bad).toBeUndefined();
  });
});

describe('secrets from the environment', () => {
  it('maps a name to SWITCHYARD_SECRET_<NAME> and sees only those variables', () => {
    expect(secretEnvName('github-token')).toBe('SWITCHYARD_SECRET_GITHUB_TOKEN');
    expect(secretEnvName('deploy.key')).toBe('SWITCHYARD_SECRET_DEPLOY_KEY');
    const store = createEnvSecretStore({ SWITCHYARD_SECRET_GITHUB_TOKEN: 't', DATABASE_URL: 'file:x' });
    expect(store.get('github_token')).toBe('t');
    expect(store.get('DATABASE_URL')).toBeUndefined();
  });
});

describe('TailBuffer', () => {
  it('keeps the last bytes and says when it cut', () => {
    const b = new TailBuffer(5);
    b.push(Buffer.from('abc'));
    expect([b.text(), b.cut]).toEqual(['abc', false]);
    b.push(Buffer.from('defg'));
    expect([b.text(), b.cut]).toEqual(['cdefg', true]);
  });
  it('drops a character split by the cut', () => {
    const b = new TailBuffer(4);
    b.push(Buffer.from('aé✓'));
    expect(b.text()).toBe('✓');
  });
});
