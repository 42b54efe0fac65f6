// Group commit: writes submitted while a transaction is in flight, or in the same tick as the
// first one, are handed to the committer together, so N concurrent writers pay for one
// commit (one fsync, one round trip) instead of N.
//
// One batch is in flight at a time. That keeps each writer's appends in the order it made
// them (a run's events are numbered in call order) and leaves the store's other
// connections free for reads and lease calls.

/** One submitted item; the committer settles every entry it is given. */
export interface Pending<T, R> {
  readonly item: T;
  resolve(value: R): void;
  reject(err: unknown): void;
}

export interface GroupCommitOptions {
  maxBatch: number;
  /** 0: flush once the current tick's callbacks and promise continuations have run. */
  maxWaitMs: number;
}

const YIELD_EVERY = 64;

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private sinceYield = 0;
  private readonly flushNow = () => this.flush();

  constructor(
    private readonly commit: (batch: Pending<T, R>[]) => void | Promise<void>,
    private readonly opts: GroupCommitOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.inFlight && !this.scheduled) this.schedule(this.opts.maxWaitMs);
    });
  }

  /** Resolves once everything submitted so far has been committed (or refused). */
  drain(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(waitMs: number): void {
    this.scheduled = true;
    // process.nextTick queued from a promise continuation runs after the whole microtask
    // queue has drained, so writers woken by the previous batch all get to submit again
    // before the next one starts — without paying for a timer. But a committer that finishes
    // synchronously (SQLite) never returns to the event loop that way, and a writer appending
    // in a loop would starve all I/O: every YIELD_EVERY-th batch waits for setImmediate.
    if (waitMs > 0) setTimeout(this.flushNow, waitMs);
    else if (++this.sinceYield < YIELD_EVERY) process.nextTick(this.flushNow);
    else setImmediate(() => { this.sinceYield = 0; this.flush(); });
  }

  private flush(): void {
    this.scheduled = false;
    if (this.inFlight || this.queue.length === 0) return;
    let batch = this.queue;
    if (batch.length <= this.opts.maxBatch) this.queue = [];
    else batch = this.queue.splice(0, this.opts.maxBatch);
    this.inFlight = true;
    // A committer may finish synchronously (SQLite without lock contention): then no promise
    // is created or awaited, which is most of the store's overhead on sequential appends.
    let pending: void | Promise<void>;
    try {
      pending = this.commit(batch);
    } catch (err) {
      this.failed(batch, err);
      return;
    }
    if (pending) pending.then(() => this.settled(), (err: unknown) => this.failed(batch, err));
    else this.settled();
  }

  /** The committer failed as a whole: nothing it did not settle can be trusted as written. */
  private failed(batch: Pending<T, R>[], err: unknown): void {
    for (const p of batch) p.reject(err);
    this.settled();
  }

  private settled(): void {
    this.inFlight = false;
    if (this.queue.length > 0) this.schedule(0);
    else if (this.idleWaiters.length > 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
