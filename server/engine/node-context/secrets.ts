// Where ctx.secret(name) looks. An interface so that a stored, per-account secret store (a later
// issue) can replace the environment without touching node runners.
import { stepError } from './errors.ts';

export interface SecretStore {
  get(name: string): string | undefined | Promise<string | undefined>;
}

export const SECRET_ENV_PREFIX = 'SWITCHYARD_SECRET_';

/** `github-token` → `SWITCHYARD_SECRET_GITHUB_TOKEN`. */
export function secretEnvName(name: string): string {
  return SECRET_ENV_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Only the SWITCHYARD_SECRET_* variables of `env` are kept: nothing else of it is reachable. */
export function createEnvSecretStore(env: Record<string, string | undefined>): SecretStore & { all(): string[] } {
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) if (key.startsWith(SECRET_ENV_PREFIX) && value !== undefined) values.set(key, value);
  return { get: (name) => values.get(secretEnvName(name)), all: () => [...values.values()] };
}

export async function readSecret(store: SecretStore, name: string): Promise<string> {
  const value = await store.get(name);
  if (value === undefined) {
    throw stepError('SECRET_NOT_FOUND', `Secret "${name}" is not set. Add it on the server (\`switchyard secrets set ${name}\` or the secrets API), or set the environment variable ${secretEnvName(name)} and restart.`, false, { secret: name });
  }
  return value;
}
