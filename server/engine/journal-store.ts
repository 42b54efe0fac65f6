// The journal store: the single write path for run state.
//
// Protocol
// - Journal first. Every state change is an append: RunEvent rows plus the Run/RunStep row
//   changes they describe, in ONE transaction. Nothing acts on a change, or hears of it,
//   before append() resolves — by then it is committed (durable per the database's setting).
// - Numbering. seq is dense per run (1, 2, 3 …) and gap-free across processes; a rolled-back
//   append takes its numbers back. PostgreSQL: Run.lastSeq is the counter — an append moves
//   it by its event count (UPDATE … RETURNING) and numbers its events from the old value, the
//   row lock serialising writers. SQLite: the database's write lock already serialises
//   writers, so the holder numbers from its own count (looked up once per lease) and writes
//   the Run row only when the run's fields change; Run.lastSeq is brought up to date then
//   and at release, so it is exact whenever no process holds the run. Readers wanting the
//   last number of a running run ask the journal (max(seq)).
// - Fencing. Every append checks leaseOwner = owner and leaseUntil > now in the same
//   transaction as its writes — PostgreSQL in the numbering UPDATE, on one locked row; SQLite
//   with a read under the write lock — so a claimer either waits for the append to commit or
//   sees the lease it took and refuses the append. A process that stalled past its lease has
//   its late commit refused with LeaseLostError, and nothing of that append is written.
// - Clock. Lease decisions are made in SQL by the database's clock, never by a caller's
//   Date.now(): PostgreSQL's for claims, renewals and fences alike, so workers with skewed
//   clocks still agree on expiry; SQLite's own clock ('now') for claims and renewals, and
//   the process's clock for the append fence — the same machine clock, as every process
//   on one SQLite file shares a machine. Callers that need a lease (starting, adopting or
//   cancelling a run) take it through claim(), so the check and the timing are the store's. Leases are at least as long as the renewal
//   interval plus the worst stall the engine tolerates; the fence makes a longer stall safe.
// - Group commit. Appends made while a batch is being committed, or in the same tick as the
//   first (or within groupCommitMaxWaitMs), are committed together: one transaction, one
//   commit for many writers. Each write keeps its own fence: a refused one writes nothing
//   and fails alone while the rest commit. A write that fails half-way (a constraint on its
//   rows) is undone alone too: SQLite then redoes the batch with a savepoint per write,
//   PostgreSQL one statement per write (see sqlite-journal.ts, postgres-journal.ts). One
//   batch at a time, so one writer's appends are numbered in the order it made them.
// - Leases. claim() takes runs whose lease is free or expired (PostgreSQL: FOR UPDATE SKIP
//   LOCKED); renew() extends live leases and reports the lost ones — an expired lease is
//   lost even if nobody took it yet, as the fence would refuse it; release() runs after the
//   store's pending appends.
// - Driver. The store uses the driver directly (its own better-sqlite3 connection or pg
//   Pool, prepared statements), not Prisma, and writes rows as Prisma writes them (dates,
//   Json), so Prisma Client reads them back unchanged.
import type { DatabaseConfig } from '../config.ts';
import type { JournalStore, JournalStoreOptions } from './journal-types.ts';

export { LeaseLostError } from './journal-types.ts';
export type {
  AppendedEvent, ClaimOptions, JournalEventInput, JournalStore, JournalStoreOptions, JournalWrite, RunRowChange, StepRowChange,
} from './journal-types.ts';

export async function createJournalStore(config: DatabaseConfig, opts: JournalStoreOptions = {}): Promise<JournalStore> {
  if (config.provider === 'sqlite') {
    const { openSqliteJournal } = await import('./sqlite-journal.ts');
    return openSqliteJournal(config.file, config.synchronous, opts);
  }
  const { openPostgresJournal } = await import('./postgres-journal.ts');
  return openPostgresJournal(config.url, opts);
}
