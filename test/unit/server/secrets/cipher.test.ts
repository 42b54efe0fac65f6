import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretCipher, SecretCipherError } from '../../../../server/secrets/cipher.ts';

describe('secret cipher (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const cipher = createSecretCipher(key);

  it('opens what it sealed, and never seals the same value the same way twice', () => {
    const a = cipher.seal('GITHUB_TOKEN', 'ghp_ünïcode-✓');
    const b = cipher.seal('GITHUB_TOKEN', 'ghp_ünïcode-✓');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain('ghp_');
    expect(cipher.open('GITHUB_TOKEN', a)).toBe('ghp_ünïcode-✓');
  });

  it('refuses a value moved to another name, altered, or sealed under another key', () => {
    const sealed = cipher.seal('A_TOKEN', 'value-1');
    expect(() => cipher.open('B_TOKEN', sealed)).toThrow(SecretCipherError);
    const [v, iv, tag, ct] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0]! ^= 1;
    expect(() => cipher.open('A_TOKEN', [v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow(/altered/);
    expect(() => createSecretCipher(randomBytes(32)).open('A_TOKEN', sealed)).toThrow(/another SECRET_KEY/);
    expect(() => cipher.open('A_TOKEN', 'v2.x.y.z')).toThrow(/unknown format/);
  });
});
