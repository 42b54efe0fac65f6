// Secrets by name: stored sealed in the database (create, rotate, delete), read only on the
// server — by ctx.secret, by `${{ secrets.NAME }}` templates and by the masker. The API lists
// names and dates; no procedure returns a value.
//
// Values are kept decrypted in memory, because templates are evaluated synchronously and the
// masker needs every value for every line a step prints. This process's own changes apply at
// once; another process's within `refreshMs` (default 5 s). SWITCHYARD_SECRET_<NAME>
// environment variables are a fallback, for servers configured without the API.
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../engine/errors.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { createEnvSecretStore } from '../engine/node-context/secrets.ts';
import type { SecretCipher } from './cipher.ts';
import { createMasker, type Masker } from './masker.ts';

export const secretNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be letters, digits and "_", not starting with a digit (e.g. GITHUB_TOKEN)');
export const secretValueSchema = z.string().min(1, 'must not be empty').max(64 * 1024, 'must be at most 64 KiB');

export interface SecretInfo { name: string; version: number; createdAt: Date; updatedAt: Date }

export interface SecretStoreOptions {
  db: Db;
  cipher: SecretCipher;
  /** Where the SWITCHYARD_SECRET_* fallbacks come from. */
  env: Record<string, string | undefined>;
  log: Logger;
  refreshMs?: number;
}

export function createSecretStore(opts: SecretStoreOptions) {
  const fallback = createEnvSecretStore(opts.env);
  // Null prototype: templates read it as `secrets.NAME`, and no name reaches Object.prototype.
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  let masker: Masker = createMasker([]);
  let timer: NodeJS.Timeout | undefined;

  function replaceAll(next: Map<string, string>): void {
    for (const k of Object.keys(values)) if (!next.has(k)) delete values[k];
    for (const [k, v] of next) values[k] = v;
    masker = createMasker([...Object.values(values), ...fallback.all()]);
  }

  async function load(): Promise<void> {
    const rows = await opts.db.secret.findMany({ select: { name: true, sealed: true } });
    const next = new Map<string, string>();
    for (const r of rows) {
      try { next.set(r.name, opts.cipher.open(r.name, r.sealed)); } catch (err) {
        opts.log.warn('a stored secret cannot be opened; steps using it will fail', { secret: r.name, error: err });
      }
    }
    replaceAll(next);
  }

  return {
    load,
    start(): void {
      timer = setInterval(() => { load().catch((err: unknown) => opts.log.warn('could not refresh secrets', { error: err })); }, opts.refreshMs ?? 5000);
      timer.unref();
    },
    stop(): void { if (timer) clearInterval(timer); },

    /** The live name → value view templates read (`secrets.NAME`). */
    values,
    /** Masks every current value (stored and fallback). */
    masker: () => masker,
    /** A value by name: stored first, then SWITCHYARD_SECRET_<NAME>. */
    get(name: string): string | undefined {
      return name in values ? values[name] : fallback.get(name) as string | undefined;
    },

    async list(): Promise<SecretInfo[]> {
      return opts.db.secret.findMany({ select: { name: true, version: true, createdAt: true, updatedAt: true }, orderBy: { name: 'asc' } });
    },
    /** Creates the secret, or rotates it to a new value (its version goes up). */
    async set(name: string, value: string, mode: 'create' | 'upsert' = 'upsert'): Promise<SecretInfo> {
      secretNameSchema.parse(name);
      secretValueSchema.parse(value);
      const sealed = opts.cipher.seal(name, value);
      const select = { name: true, version: true, createdAt: true, updatedAt: true } as const;
      let info: SecretInfo;
      if (mode === 'create') {
        if (await opts.db.secret.findUnique({ where: { name }, select: { name: true } })) throw new ConflictError(`Secret "${name}" already exists; rotate it to change its value.`, { name });
        info = await opts.db.secret.create({ data: { name, sealed }, select });
      } else {
        info = await opts.db.secret.upsert({ where: { name }, create: { name, sealed }, update: { sealed, version: { increment: 1 } }, select });
      }
      values[name] = value;
      masker = createMasker([...Object.values(values), ...fallback.all()]);
      return info;
    },
    async delete(name: string): Promise<void> {
      const { count } = await opts.db.secret.deleteMany({ where: { name } });
      if (count === 0) throw new NotFoundError('Secret', name);
      // Still masked until the next refresh: a run that read it may yet print it.
      delete values[name];
    },
  };
}

export type SecretStore = ReturnType<typeof createSecretStore>;
