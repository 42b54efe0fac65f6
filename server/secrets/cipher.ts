// Sealing secret values at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the
// server's SECRET_KEY, with the secret's name as associated data — a sealed value copied to
// another name, or edited, does not open. Format: "v1.<iv>.<tag>.<ciphertext>" (base64url).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export class SecretCipherError extends Error {
  override name = 'SecretCipherError';
}

export interface SecretCipher {
  seal(name: string, value: string): string;
  open(name: string, sealed: string): string;
}

export function createSecretCipher(serverKey: Buffer): SecretCipher {
  // A key of its own: SECRET_KEY also signs sessions, and one key should do one job.
  const key = Buffer.from(hkdfSync('sha256', serverKey, 'switchyard', 'secrets v1', 32));
  return {
    seal(name, value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(name, 'utf8'));
      const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(name, sealed) {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || iv === undefined || tag === undefined || ct === undefined) throw new SecretCipherError(`Secret "${name}" is stored in an unknown format.`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(name, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretCipherError(`Secret "${name}" cannot be decrypted: it was stored under another SECRET_KEY, or altered. Set it again.`);
      }
    },
  };
}
