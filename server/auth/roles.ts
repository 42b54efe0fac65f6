// Roles, from least to most: viewer (reads), runner (also runs and approves), editor (also
// designs), owner (also manages people, tokens and secrets). A role allows what every role
// below it allows. API tokens carry scopes, each capping the token at one role.
import { z } from 'zod';

export const ROLES = ['viewer', 'runner', 'editor', 'owner'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

export const SCOPES = { read: 'viewer', run: 'runner', design: 'editor', admin: 'owner' } as const satisfies Record<string, Role>;
export type Scope = keyof typeof SCOPES;
export const scopeSchema = z.enum(Object.keys(SCOPES) as [Scope, ...Scope[]]);

const rank = (r: Role) => ROLES.indexOf(r);

export function allows(role: Role, needed: Role): boolean {
  return rank(role) >= rank(needed);
}

/** What a caller may do: a user's role, or less when a token's scopes say so. */
export function effectiveRole(userRole: Role, scopes?: readonly Scope[]): Role {
  if (!scopes) return userRole;
  const cap = scopes.reduce<Role>((best, s) => (rank(SCOPES[s]) > rank(best) ? SCOPES[s] : best), 'viewer');
  return rank(cap) < rank(userRole) ? cap : userRole;
}
