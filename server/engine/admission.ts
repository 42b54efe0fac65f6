// Concurrency groups: at most `limit` runs with the same group key are active at once.
//
// A pending run is admitted only once its creator has journaled run.created and let go of it
// (leaseOwner NULL): admitting it earlier would take it from under the creator mid-start. The
// oldest pending run goes first; while its creator still holds it, nothing is admitted (the
// creator asks for admission as soon as it lets go), so the queue keeps its order.
//
// A run whose workflow declares `concurrency:` is created `pending` with its key evaluated
// from its inputs. Admission turns the oldest pending run of a key into `queued` — claimable
// by any process with capacity, like every other queued run — but only while fewer than
// `limit` runs of the key are active. That check-and-set is one statement, so two processes
// cannot both admit into the last slot: SQLite has a single writer; on PostgreSQL a
// transaction-scoped advisory lock on the key serialises admitters (READ COMMITTED would let
// two concurrent counts both see a free slot).
import { renderTemplate } from '../../engine/expressions/index.ts';
import { ValidationError } from '../../engine/errors.ts';
import type { RunPlan } from '../../engine/run/plan.ts';
import type { Db } from '../db/client.ts';
import { NOW } from './postgres-journal-sql.ts';

/** Statuses of runs that hold a slot of their group (admitted and not finished). */
export const SLOT_STATUSES = ['queued', 'running', 'paused', 'cancelling', 'compensating'] as const;

export interface GroupPolicy { key: string; limit: number; mode: 'queue' | 'cancel_in_progress' }

/** The run's group, or undefined when the workflow declares none. */
export function groupPolicy(plan: RunPlan, inputs: Record<string, unknown>): GroupPolicy | undefined {
  const c = plan.workflow.concurrency;
  if (!c) return undefined;
  const key = renderTemplate(c.group, { inputs, vars: plan.workflow.vars ?? {}, workflow: { id: plan.workflow.id } });
  if (!key.ok) throw new ValidationError(`concurrency.group: ${key.error.message}. Fix the template in the workflow's concurrency section.`, { field: 'concurrency.group' });
  if (!key.value.trim()) throw new ValidationError('concurrency.group rendered to an empty key for these inputs.', { field: 'concurrency.group' });
  return { key: key.value, limit: c.limit ?? 1, mode: c.mode ?? 'queue' };
}

const slots = SLOT_STATUSES.map((s) => `'${s}'`).join(', ');

export function createAdmission(db: Db, provider: 'sqlite' | 'postgresql') {
  const p = provider === 'postgresql' ? (n: number) => `$${n}` : () => '?';
  const admitSql = `UPDATE "Run" SET "status" = 'queued', "leaseOwner" = NULL, "leaseUntil" = NULL
    WHERE "id" = (SELECT "id" FROM "Run" WHERE "concurrencyKey" = ${p(1)} AND "status" = 'pending' ORDER BY "createdAt", "id" LIMIT 1)
      AND "leaseOwner" IS NULL
      AND (SELECT COUNT(*) FROM "Run" WHERE "concurrencyKey" = ${p(2)} AND "status" IN (${slots})) < ${p(3)}
    RETURNING "id"`;

  /** Admits the oldest pending run of the key if a slot is free; its id, or undefined. */
  async function admitOne(key: string, limit: number): Promise<string | undefined> {
    if (provider === 'postgresql') {
      const [, rows] = await db.$transaction([
        db.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext(${p(1)}))::text AS locked`, `switchyard:group:${key}`),
        db.$queryRawUnsafe<{ id: string }[]>(admitSql, key, key, limit),
      ]);
      return (rows as { id: string }[])[0]?.id;
    }
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(admitSql, key, key, limit);
    return rows[0]?.id;
  }

  // The database's clock, as the journal store judges leases (journal-store.ts, "Clock").
  const now = provider === 'postgresql' ? NOW : `strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')`;
  const releaseSql = `UPDATE "Run" SET "leaseOwner" = NULL, "leaseUntil" = NULL
    WHERE "status" = 'pending' AND "leaseOwner" IS NOT NULL AND "leaseUntil" < ${now}`;

  const stampSql = `UPDATE "Run" SET "createdAt" = ${now} WHERE "id" = ${p(1)}`;

  return {
    admitOne,
    /**
     * Dates a grouped run's creation by the database's clock. Admission (oldest first) and
     * cancel_in_progress (the newest wins) compare createdAt across processes; Prisma stamps
     * it with the creating process's clock, which another machine's need not agree with.
     */
    async stamp(runId: string): Promise<Date> {
      await db.$executeRawUnsafe(stampSql, runId);
      // Read back as stored (and as Prisma reads it for everyone else), not as RETURNING says.
      return (await db.run.findUniqueOrThrow({ where: { id: runId }, select: { createdAt: true } })).createdAt;
    },
    /** Lets go of pending runs whose creator died before letting go of them (lease expired). */
    async releaseAbandoned(): Promise<void> {
      await db.$executeRawUnsafe(releaseSql);
    },
    /** Keys with pending runs, each with the versions of its oldest pending run (for its limit). */
    async pendingGroups(): Promise<{ key: string; versionId: string }[]> {
      const rows = await db.run.findMany({
        where: { status: 'pending', concurrencyKey: { not: null } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        distinct: ['concurrencyKey'], select: { concurrencyKey: true, versionId: true },
      });
      return rows.map((r) => ({ key: r.concurrencyKey!, versionId: r.versionId }));
    },
    /** The group's other runs that are active or still pending: a cancel_in_progress newcomer supersedes the older ones. */
    async supersededBy(key: string, runId: string): Promise<{ id: string; number: number; status: string; createdAt: Date }[]> {
      return db.run.findMany({ where: { concurrencyKey: key, id: { not: runId }, status: { in: ['pending', ...SLOT_STATUSES] } }, select: { id: true, number: true, status: true, createdAt: true } });
    },
  };
}
