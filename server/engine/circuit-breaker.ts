// Circuit breakers: one per target — a node type plus the key its definition names (an HTTP
// host, an agent provider) — kept in the database so every process sees the same state.
//
//   closed ──(N failures within the window)──► open ──(openFor passed)──► half-open
//      ▲                                        ▲                            │ one probe call
//      └──────────────(probe succeeds)──────────┴───────(probe fails)────────┘
//
// Only failures that say something about the target count: retryable errors and timeouts. A
// non-retryable error (bad config, a 4xx) and a cancel do not. While open, calls fail at once
// with CIRCUIT_OPEN (retryable, so the step's retry policy tries again later) without running.
//
// Races between processes: state changes are conditional updates on the row's updatedAt
// (optimistic; a lost race re-reads and tries again), and the single half-open probe is taken
// by an update that only one caller can win.
import { parseDuration } from '../../engine/format/duration.ts';
import type { BreakerSpec } from '../../engine/nodes/define-node.ts';
import type { Db } from '../db/client.ts';

export interface BreakerPolicy { failures: number; windowMs: number; openForMs: number }

export function breakerPolicy(spec: BreakerSpec<never>): BreakerPolicy {
  return {
    failures: spec.failures ?? 5,
    windowMs: parseDuration(spec.window ?? '1m') ?? 60_000,
    openForMs: parseDuration(spec.openFor ?? '30s') ?? 30_000,
  };
}

export type Admission = { allowed: true; probe: boolean } | { allowed: false; until: Date };

/** How long a probe may take before another caller may probe instead (it died, say). */
const PROBE_LEASE_MS = 5 * 60_000;

export function createCircuitBreakers(db: Db, now: () => number = Date.now) {
  type Row = { target: string; state: string; failures: unknown; openedAt: Date | null; probeUntil: Date | null; updatedAt: Date };
  const read = (target: string): Promise<Row | null> => db.circuitBreaker.findUnique({ where: { target } });

  /** Whether a call to the target may run now (and whether it is the half-open probe). */
  async function admit(target: string, policy: BreakerPolicy): Promise<Admission> {
    const row = await read(target);
    if (!row || row.state === 'closed') return { allowed: true, probe: false };
    const t = now();
    const reopensAt = (row.openedAt?.getTime() ?? 0) + policy.openForMs;
    if (row.state === 'open' && t < reopensAt) return { allowed: false, until: new Date(reopensAt) };
    if (row.state === 'half_open' && row.probeUntil && row.probeUntil.getTime() > t) return { allowed: false, until: row.probeUntil };
    // Take the probe: only the caller whose update matches the row as read wins it.
    const { count } = await db.circuitBreaker.updateMany({
      where: { target, updatedAt: row.updatedAt, state: row.state },
      data: { state: 'half_open', probeUntil: new Date(t + PROBE_LEASE_MS) },
    });
    return count ? { allowed: true, probe: true } : { allowed: false, until: new Date(t + policy.openForMs) };
  }

  /** Records how an admitted call went. */
  async function record(target: string, policy: BreakerPolicy, outcome: 'success' | 'failure' | 'ignored', probe: boolean): Promise<void> {
    const t = now();
    if (outcome === 'ignored') {
      // The probe was cancelled: let the next caller probe at once.
      if (probe) await db.circuitBreaker.updateMany({ where: { target, state: 'half_open' }, data: { probeUntil: null } });
      return;
    }
    if (probe) {
      await db.circuitBreaker.update({
        where: { target },
        data: outcome === 'success' ? { state: 'closed', failures: [], openedAt: null, probeUntil: null } : { state: 'open', openedAt: new Date(t), probeUntil: null },
      });
      return;
    }
    if (outcome === 'success') return;
    for (let tries = 0; tries < 5; tries++) {
      const row = await read(target);
      if (row && row.state !== 'closed') return; // opened meanwhile by another caller
      const recent = [...((row?.failures as number[] | null) ?? []).filter((f) => f > t - policy.windowMs), t];
      const opens = recent.length >= policy.failures;
      const data = opens ? { state: 'open', failures: recent, openedAt: new Date(t) } : { failures: recent };
      if (!row) {
        try {
          await db.circuitBreaker.create({ data: { target, ...data } });
          return;
        } catch (err) {
          if ((err as { code?: string }).code !== 'P2002') throw err;
          continue; // created meanwhile: read it and try again
        }
      }
      const { count } = await db.circuitBreaker.updateMany({ where: { target, updatedAt: row.updatedAt }, data });
      if (count) return;
    }
  }

  return {
    admit,
    record,
    async list() {
      const t = now();
      const rows = await db.circuitBreaker.findMany({ orderBy: { target: 'asc' } });
      return rows.map((r) => ({
        target: r.target, state: r.state, failures: (r.failures as number[]).length, openedAt: r.openedAt?.toISOString() ?? null,
        probing: r.state === 'half_open' && !!r.probeUntil && r.probeUntil.getTime() > t, updatedAt: r.updatedAt.toISOString(),
      }));
    },
    async reset(target: string): Promise<boolean> {
      const { count } = await db.circuitBreaker.deleteMany({ where: { target } });
      return count > 0;
    },
  };
}

export type CircuitBreakers = ReturnType<typeof createCircuitBreakers>;
