// Who may decide a gate. A gate names approvers as "user:<email or id>" or "role:<role>"; a
// role admits everyone holding it or a stronger one (roles only add). Once the gate has
// escalated, the people in `escalate_to` may decide too.
import { allows, effectiveRole, roleSchema } from './roles.ts';
import type { Caller } from './accounts.ts';

export function mayDecide(caller: Caller, approvers: readonly string[]): boolean {
  const role = effectiveRole(caller.user.role, caller.scopes);
  return approvers.some((a) => {
    if (a.startsWith('user:')) {
      const who = a.slice(5).toLowerCase();
      return who === caller.user.email || who === caller.user.id.toLowerCase();
    }
    const named = roleSchema.safeParse(a.slice(5));
    return a.startsWith('role:') && named.success && allows(role, named.data);
  });
}
