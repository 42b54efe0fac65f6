// The journal store's public types, kept apart from journal-store.ts so the two backends can
// import them without an import cycle (journal-store.ts loads the backends).
import type { DatabaseConfig } from '../config.ts';

/** A RunStep row to create or update, keyed by (runId, stepId, iteration). `undefined` leaves a
 *  field as it is (or at its default on insert); `null` clears it (SQL NULL). */
export interface StepRowChange {
  stepId: string;
  iteration: string;
  status: string;
  attempt?: number;
  input?: unknown;
  output?: unknown;
  error?: unknown;
  summary?: string | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

/** Fields of the Run row to change; same `undefined`/`null` rule as StepRowChange. */
export interface RunRowChange {
  status?: string;
  outputs?: unknown;
  error?: unknown;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

export interface JournalEventInput { type: string; payload: unknown }

export interface JournalWrite {
  runId: string;
  /** The lease holder writing; the write is refused unless it still holds the run's lease. */
  owner: string;
  /** At least one: every state change is journalled. */
  events: JournalEventInput[];
  run?: RunRowChange;
  steps?: StepRowChange[];
}

export interface AppendedEvent { runId: string; seq: number; type: string; payload: unknown; at: Date }

/** The commit was refused: `owner` does not hold a live lease on the run (it expired, another
 *  process claimed the run, it was released, or the run does not exist). Nothing was written. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(readonly runId: string, readonly owner: string) {
    super(`Lease on run ${runId} is not held by ${owner}: the write was refused`);
  }
}

export interface ClaimOptions {
  statuses: string[];
  limit: number;
  leaseMs: number;
  /** Only these runs. */
  runIds?: string[];
  /** Also runs whose lease `owner` holds (live or not): their lease is re-timed. */
  own?: boolean;
}

export interface JournalStore {
  /** Appends atomically with the row changes; resolves with the numbered events once durable.
   *  Rejects with LeaseLostError if `owner` does not hold a live lease on the run. */
  append(write: JournalWrite): Promise<AppendedEvent[]>;
  /** Claims runs whose lease is free or expired (status in the given set), up to `limit`,
   *  oldest first; returns their ids in that order. With `runIds`, only those runs are
   *  candidates, and with `own` a run this owner already holds is claimed too (its lease is
   *  re-timed). Expiry is judged, and the new lease timed, by the store's clock (see
   *  journal-store.ts), never the caller's. */
  claim(owner: string, opts: ClaimOptions): Promise<string[]>;
  /** Extends leases this owner holds; returns the run ids whose lease it lost. */
  renew(owner: string, runIds: string[], leaseMs: number): Promise<string[]>;
  /** Gives the lease up, after this store's pending appends have committed. */
  release(owner: string, runId: string): Promise<void>;
  /** Events of a run with seq > afterSeq, in order. */
  read(runId: string, afterSeq?: number, limit?: number): Promise<AppendedEvent[]>;
  /** Waits for pending appends, then closes the connection(s). */
  close(): Promise<void>;
}

export interface JournalStoreOptions {
  /** Most writes committed in one transaction (default 1000). */
  groupCommitMaxBatch?: number;
  /** How long the first write of an idle store waits for company. 0 (default): until the
   *  current tick's callbacks and promise continuations have run, no timer. */
  groupCommitMaxWaitMs?: number;
  /** SQLite: how long to keep retrying while another connection holds the write lock (default 5000). */
  busyTimeoutMs?: number;
  /** PostgreSQL: connections in the store's pool (default 4). */
  poolSize?: number;
}

export type { DatabaseConfig };
