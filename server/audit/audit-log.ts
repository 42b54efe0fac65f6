// The audit log: one row per successful change made through the API, recorded by a tRPC
// middleware on every mutation (server/trpc/init.ts) — so a new procedure is audited without
// anyone remembering to add it. What each row says is derived from the procedure's path and
// input: the target is the first id-like field, the details are the input without secret
// values (SENSITIVE) and with long texts (a workflow's YAML) shortened to their length.
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';

/** Input fields never written to the log. */
const SENSITIVE = /^(value|password|token|secret|newPassword|currentPassword)$/i;
const LONG_TEXT = 200;

/** Which input (or output) field names the target, and what kind of thing it is. */
const TARGET_FIELDS: [field: string, type: string][] = [['runId', 'run'], ['workflowId', 'workflow'], ['target', 'breaker'], ['email', 'user']];
/** Areas whose own `id` / `name` field is the target. */
const OWN_ID: Record<string, [field: string, type: string]> = { workflows: ['id', 'workflow'], secrets: ['name', 'secret'], users: ['id', 'user'] };

export interface AuditEntry {
  action: string;
  actor?: string | null;
  ip?: string | null;
  input: unknown;
  output: unknown;
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  targetId?: string;
  before?: number;
  limit: number;
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > LONG_TEXT ? `‹${value.length} characters›` : value;
  if (Array.isArray(value)) return depth > 3 ? `‹${value.length} items›` : value.slice(0, 50).map((v) => scrub(v, depth + 1));
  if (value && typeof value === 'object') {
    if (depth > 3) return '‹object›';
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SENSITIVE.test(k) ? '‹hidden›' : scrub(v, depth + 1)]));
  }
  return value;
}

/** The target: the most specific id-like field of the input or output ("runs.start" → its run). */
export function targetOf(action: string, input: unknown, output: unknown): { type: string; id: string } | undefined {
  const own = OWN_ID[action.split('.')[0] ?? ''];
  // A run first (starting one targets the run it made, not its workflow), then the area's own id.
  const fields = own ? [TARGET_FIELDS[0]!, own, ...TARGET_FIELDS.slice(1)] : TARGET_FIELDS;
  for (const [field, type] of fields) {
    for (const source of [input, output]) {
      const v = source && typeof source === 'object' ? (source as Record<string, unknown>)[field] : undefined;
      if (typeof v === 'string' && v) return { type, id: v };
    }
  }
  return undefined;
}

export function createAuditLog(db: Db, log: Logger) {
  return {
    /** Never throws: a change that happened must not be reported as failed for want of a log row. */
    async record(e: AuditEntry): Promise<void> {
      const target = targetOf(e.action, e.input, e.output);
      try {
        await db.auditEvent.create({
          data: { action: e.action, actor: e.actor ?? null, ip: e.ip ?? null, targetType: target?.type ?? null, targetId: target?.id ?? null, details: (scrub(e.input) ?? undefined) as never },
        });
      } catch (err) {
        log.error('could not write an audit event', { action: e.action, error: err });
      }
    },

    /** Newest first; `before` pages back by id. */
    async list(f: AuditFilter) {
      const rows = await db.auditEvent.findMany({
        where: {
          ...(f.action ? { action: f.action } : {}),
          ...(f.actor ? { actor: f.actor } : {}),
          ...(f.targetId ? { targetId: f.targetId } : {}),
          ...(f.before ? { id: { lt: f.before } } : {}),
        },
        orderBy: { id: 'desc' },
        take: f.limit,
      });
      return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
    },

    /** The actions recorded so far, for a filter's choices. */
    async actions(): Promise<string[]> {
      return (await db.auditEvent.findMany({ distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' } })).map((r) => r.action);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
