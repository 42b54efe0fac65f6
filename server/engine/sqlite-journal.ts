// The journal store on SQLite: its own better-sqlite3 connection to the app's database file.
//
// Sharing the file with Prisma's connection (server/db/client.ts), in one process:
// - better-sqlite3 is synchronous, so a whole batch — BEGIN IMMEDIATE, every write, COMMIT —
//   runs inside one call without yielding: nothing else in the process can interleave, and
//   the write lock is held only while the batch's statements run (tens of µs per write).
// - A busy_timeout would make SQLite wait for the lock by blocking the event loop. If the
//   holder is Prisma's interactive transaction — which needs the event loop to reach its
//   COMMIT — that wait could only end in a timeout, freezing the process for its whole
//   length. So this connection uses busy_timeout = 0 and, when BEGIN IMMEDIATE reports
//   SQLITE_BUSY, retries from a timer with backoff (up to busyTimeoutMs): the event loop
//   keeps running and the other transaction can finish.
// - Prisma starts its transactions with a deferred BEGIN. One that reads, then writes after
//   this store committed, fails with SQLITE_BUSY_SNAPSHOT (as with any second writer):
//   run-state writes therefore belong here, not in Prisma transactions.
//
// Clock: every process using one SQLite file is on one machine. Claims and renewals use
// SQLite's clock in SQL; the append fence compares with this process's clock, which is the
// same machine clock. Dates are written as Prisma writes them (ISO 8601, "+00:00"); fixed-width
// text compares in time order, which the lease conditions rely on.
import Database from 'better-sqlite3';
import { GroupCommit, type Pending } from './group-commit.ts';
import { timeOrderedIds } from './row-ids.ts';
import { decodePayload, encodeWrite, type EncodedWrite } from './journal-encode.ts';
import { LeaseLostError, type AppendedEvent, type JournalStore, type JournalStoreOptions } from './journal-types.ts';

const isoDate = (d: Date): string => d.toISOString().replace('Z', '+00:00');

/** Stored dates: Prisma's ISO text, CURRENT_TIMESTAMP's "YYYY-MM-DD HH:MM:SS" (UTC), or epoch ms. */
function parseDate(v: unknown): Date {
  if (typeof v === 'number') return new Date(v);
  const s = String(v);
  return new Date(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(s) ? `${s.replace(' ', 'T')}Z` : s);
}

const isBusy = (err: unknown): boolean => (err as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The fence of an event-only write only reads the Run row: under BEGIN IMMEDIATE this
// connection holds the database's write lock, so nobody can take the lease between the check
// and the commit — and not writing the Run row saves a page per commit (a third of a
// sequential append's cost). Events are numbered from the store's own count (see lastSeqs).
const FENCE = 'SELECT 1 FROM "Run" WHERE "id" = ? AND "leaseOwner" = ? AND "leaseUntil" > ?';
const MAX_SEQ = 'SELECT coalesce(max("seq"), 0) FROM "RunEvent" WHERE "runId" = ?';
// A write that changes the run's own fields writes the row anyway, lastSeq with it.
const FENCE_AND_CHANGE = `UPDATE "Run" SET "lastSeq" = @last,
  "status" = CASE WHEN @m & 1 THEN @status ELSE "status" END,
  "outputs" = CASE WHEN @m & 2 THEN @outputs ELSE "outputs" END,
  "error" = CASE WHEN @m & 4 THEN @error ELSE "error" END,
  "startedAt" = CASE WHEN @m & 8 THEN @startedAt ELSE "startedAt" END,
  "finishedAt" = CASE WHEN @m & 16 THEN @finishedAt ELSE "finishedAt" END
WHERE "id" = @id AND "leaseOwner" = @owner AND "leaseUntil" > @now RETURNING 1`;
const INSERT_EVENT = 'INSERT INTO "RunEvent" ("runId", "seq", "type", "payload", "createdAt") VALUES (?, ?, ?, ?, ?)';
const UPSERT_STEP = `INSERT INTO "RunStep" ("id", "runId", "stepId", "iteration", "status", "attempt", "input", "output", "error", "summary", "startedAt", "finishedAt")
VALUES (@id, @runId, @stepId, @iteration, @status, coalesce(@attempt, 0), @input, @output, @error, @summary, @startedAt, @finishedAt)
ON CONFLICT ("runId", "stepId", "iteration") DO UPDATE SET "status" = excluded."status",
  "attempt" = CASE WHEN @m & 1 THEN excluded."attempt" ELSE "attempt" END,
  "input" = CASE WHEN @m & 2 THEN excluded."input" ELSE "input" END,
  "output" = CASE WHEN @m & 4 THEN excluded."output" ELSE "output" END,
  "error" = CASE WHEN @m & 8 THEN excluded."error" ELSE "error" END,
  "summary" = CASE WHEN @m & 64 THEN excluded."summary" ELSE "summary" END,
  "startedAt" = CASE WHEN @m & 16 THEN excluded."startedAt" ELSE "startedAt" END,
  "finishedAt" = CASE WHEN @m & 32 THEN excluded."finishedAt" ELSE "finishedAt" END`;
// Claims and renewals read SQLite's clock ('now', the machine's), not the caller's: one
// statement checks and times the lease. The text has Prisma's fixed-width ISO form.
const NOW = `strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')`;
const UNTIL = `strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '+' || (@leaseMs / 1000.0) || ' seconds')`;
const claimSql = (byId: boolean) => `UPDATE "Run" SET "leaseOwner" = @owner, "leaseUntil" = ${UNTIL} WHERE "id" IN (
  SELECT "id" FROM "Run" WHERE "status" IN (SELECT value FROM json_each(@statuses))${byId ? ' AND "id" IN (SELECT value FROM json_each(@ids))' : ''}
    AND ("leaseUntil" IS NULL OR "leaseUntil" <= ${NOW} OR "leaseOwner" = @own) ORDER BY "createdAt" LIMIT @limit) RETURNING "id", "createdAt"`;
const RENEW = `UPDATE "Run" SET "leaseUntil" = ${UNTIL} WHERE "id" IN (SELECT value FROM json_each(@ids))
  AND "leaseOwner" = @owner AND "leaseUntil" > ${NOW} RETURNING "id"`;
// Letting go also brings Run.lastSeq up to date: it is exact whenever no process holds the run.
const RELEASE = `UPDATE "Run" SET "leaseOwner" = NULL, "leaseUntil" = NULL,
  "lastSeq" = (SELECT coalesce(max("seq"), 0) FROM "RunEvent" WHERE "runId" = "Run"."id") WHERE "id" = ? AND "leaseOwner" = ?`;
const READ = 'SELECT "seq", "type", "payload", "createdAt" FROM "RunEvent" WHERE "runId" = ? AND "seq" > ? ORDER BY "seq" LIMIT ?';

type Entry = Pending<EncodedWrite, AppendedEvent[]>;
type Outcome = { p: Entry; events?: AppendedEvent[]; err?: unknown; partial?: boolean };

/** A statement after the fence failed: the write is half in the transaction. */
class PartialWrite {
  constructor(readonly cause: unknown) {}
}

export function openSqliteJournal(file: string, synchronous: 'NORMAL' | 'FULL', opts: JournalStoreOptions = {}): JournalStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 0');
  const busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
  const nextId = timeOrderedIds();
  const s = {
    begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT w'), releaseSp: db.prepare('RELEASE w'), rollbackTo: db.prepare('ROLLBACK TO w'),
    fence: db.prepare(FENCE).pluck(), maxSeq: db.prepare(MAX_SEQ).pluck(), fenceAndChange: db.prepare(FENCE_AND_CHANGE).pluck(),
    insertEvent: db.prepare(INSERT_EVENT), upsertStep: db.prepare(UPSERT_STEP),
    claim: db.prepare(claimSql(false)).raw(), claimById: db.prepare(claimSql(true)).raw(), renew: db.prepare(RENEW).pluck(), release: db.prepare(RELEASE), read: db.prepare(READ).raw(),
  };

  /** Runs a write, retrying from a timer while another connection holds the lock. The first
   *  try is synchronous: without contention no promise is made. */
  function withLock<T>(fn: () => T): T | Promise<T> {
    try { return fn(); } catch (err) { if (!isBusy(err)) throw err; }
    return (async () => {
      const deadline = Date.now() + busyTimeoutMs;
      for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
        if (Date.now() + wait > deadline) throw new Error(`SQLite database is locked: no write lock within ${busyTimeoutMs} ms`);
        await sleep(wait);
        try { return fn(); } catch (err) { if (!isBusy(err)) throw err; }
      }
    })();
  }

  /**
   * The last event number of each run this store writes, as committed. Only the lease holder
   * appends, so while this process holds a run nobody else moves it; a run is looked up once
   * (MAX_SEQ) and forgotten when its lease is claimed (someone may have written meanwhile),
   * released or found lost.
   */
  const lastSeqs = new Map<string, number>();

  /** One write inside the open transaction, numbered from `pending` (this batch's numbers so
   *  far) or the committed count. A refused write (LeaseLostError) or one whose first
   *  statement fails has written nothing; a failure after that throws PartialWrite. */
  function applyWrite(w: EncodedWrite, nowIso: string, at: Date, pending: Map<string, number>): AppendedEvent[] {
    const n = w.types.length;
    const base = pending.get(w.runId) ?? lastSeqs.get(w.runId) ?? (s.maxSeq.get(w.runId) as number);
    const fenced = w.run
      ? s.fenceAndChange.get({ last: base + n, id: w.runId, owner: w.owner, now: nowIso, m: w.run.mask, status: w.run.status, outputs: w.run.outputs, error: w.run.error, startedAt: w.run.startedAt, finishedAt: w.run.finishedAt })
      : s.fence.get(w.runId, w.owner, nowIso);
    if (fenced === undefined) {
      lastSeqs.delete(w.runId);
      throw new LeaseLostError(w.runId, w.owner);
    }
    const events: AppendedEvent[] = [];
    try {
      for (let i = 0; i < n; i++) {
        s.insertEvent.run(w.runId, base + i + 1, w.types[i], w.payloads[i], nowIso);
        events.push({ runId: w.runId, seq: base + i + 1, type: w.types[i]!, payload: w.values[i], at });
      }
      for (const st of w.steps) {
        s.upsertStep.run({ id: nextId(), runId: w.runId, stepId: st.stepId, iteration: st.iteration, status: st.status, attempt: st.attempt, input: st.input, output: st.output, error: st.error, summary: st.summary, startedAt: st.startedAt, finishedAt: st.finishedAt, m: st.mask });
      }
    } catch (err) {
      throw new PartialWrite(err);
    }
    pending.set(w.runId, base + n);
    return events;
  }

  /** Applies the writes in order. isolate: each behind its own savepoint, so a failing one is
   *  undone alone; otherwise stops at the first partial write (the caller undoes the batch). */
  function applyAll(batch: Entry[], nowIso: string, at: Date, isolate: boolean, pending: Map<string, number>): Outcome[] {
    const out: Outcome[] = [];
    for (const p of batch) {
      if (isolate) s.savepoint.run();
      try {
        out.push({ p, events: applyWrite(p.item, nowIso, at, pending) });
        if (isolate) s.releaseSp.run();
      } catch (err) {
        if (!db.inTransaction) throw err; // SQLite gave the transaction up (I/O error, full disk)
        const partial = err instanceof PartialWrite;
        out.push({ p, err: partial ? err.cause : err, partial });
        if (isolate) { s.rollbackTo.run(); s.releaseSp.run(); } else if (partial) break;
      }
    }
    return out;
  }

  /** The whole batch in the transaction just begun; false if it had to be rolled back to be
   *  retried write by write. Optimistically, no savepoints: a refused write has written
   *  nothing, and an open savepoint would make SQLite journal every page the batch touches
   *  (that halves the write rate). Only a write failing half-way — a constraint on its step
   *  rows, say — costs a rollback and a second pass with a savepoint per write. */
  function commitBatch(batch: Entry[], isolate: boolean): boolean {
    const at = new Date();
    const nowIso = isoDate(at);
    let out: Outcome[];
    // Numbers count only once committed: a rolled-back batch takes them back.
    const pending = new Map<string, number>();
    try {
      out = applyAll(batch, nowIso, at, isolate, pending);
      const partial = !isolate && out.some((o) => o.partial);
      if (partial || out.every((o) => o.err !== undefined)) s.rollback.run();
      else {
        s.commit.run();
        for (const [runId, seq] of pending) lastSeqs.set(runId, seq);
      }
      if (partial && batch.length > 1) return false;
    } catch (err) {
      if (db.inTransaction) s.rollback.run();
      throw err; // GroupCommit rejects every write of the batch.
    }
    for (const o of out) {
      if (o.events) o.p.resolve(o.events);
      else o.p.reject(o.err);
    }
    return true;
  }

  const begin = () => s.begin.run();
  /** Takes the write lock (retrying from a timer while another connection holds it), then
   *  commits the batch; synchronous when the lock is free. */
  function commit(batch: Entry[], isolate: boolean): void | Promise<void> {
    const begun = withLock(begin);
    if (begun instanceof Promise) return begun.then(() => commit2(batch, isolate));
    return commit2(batch, isolate);
  }
  function commit2(batch: Entry[], isolate: boolean): void | Promise<void> {
    if (!commitBatch(batch, isolate)) return commit(batch, true);
  }

  const writer = new GroupCommit<EncodedWrite, AppendedEvent[]>((batch) => commit(batch, false),
    { maxBatch: opts.groupCommitMaxBatch ?? 1000, maxWaitMs: opts.groupCommitMaxWaitMs ?? 0 });

  let closed = false;
  const open = () => { if (closed) throw new Error('The journal store is closed'); };

  return {
    append(write) {
      try {
        open();
        return writer.submit(encodeWrite(write, isoDate));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    async claim(owner, { statuses, limit, leaseMs, runIds, own }) {
      open();
      return withLock(() => {
        // @own never matches a NULL owner, and no owner is the empty string.
        const params = { owner, leaseMs, statuses: JSON.stringify(statuses), limit, own: own ? owner : null };
        const rows = (runIds ? s.claimById.all({ ...params, ids: JSON.stringify(runIds) }) : s.claim.all(params)) as [string, string][];
        for (const [id] of rows) lastSeqs.delete(id);
        // RETURNING has no order: oldest first, the order to start them in.
        return rows.sort((a, b) => parseDate(a[1]).getTime() - parseDate(b[1]).getTime() || (a[0] < b[0] ? -1 : 1)).map((r) => r[0]);
      });
    },
    async renew(owner, runIds, leaseMs) {
      open();
      const kept = new Set(await withLock(() => s.renew.all({ owner, ids: JSON.stringify(runIds), leaseMs }) as string[]));
      return runIds.filter((id) => !kept.has(id));
    },
    async release(owner, runId) {
      open();
      await writer.drain();
      lastSeqs.delete(runId);
      await withLock(() => s.release.run(runId, owner));
    },
    async read(runId, afterSeq = 0, limit = -1) {
      open();
      return (s.read.all(runId, afterSeq, limit) as [number, string, unknown, unknown][]).map(([seq, type, payload, createdAt]) => (
        { runId, seq, type, payload: decodePayload(payload), at: parseDate(createdAt) }
      ));
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.drain();
      db.close();
    },
  };
}
