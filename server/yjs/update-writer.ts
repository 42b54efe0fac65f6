// Between rooms and persistence: batches each document's updates for a few milliseconds
// into one appended row, retries failed writes, and starts a compaction in the background
// once a document's log grows past a threshold. Updates are handed over synchronously, so
// the in-memory document can be dropped at any time: until its updates are committed they
// live here, and `open` folds them into what it loads.
import * as Y from 'yjs';
import type { Logger } from '../logger.ts';
import type { YjsPersistence } from './persistence.ts';

export interface UpdateWriterOptions {
  persistence: YjsPersistence;
  logger: Logger;
  /** How long an update may wait for others to share its row. */
  batchMs: number;
  /** Compact a document once it has more stored rows than this. */
  compactAfterRows: number;
}

interface DocLog {
  pending: Uint8Array[];
  inFlight: Uint8Array | null;
  timer: NodeJS.Timeout | null;
  /** Appends of one document run one after another so rows keep arrival order. */
  chain: Promise<void>;
  /** Rows believed stored; another process may add some, which only delays compaction. */
  rows: number;
  compaction: Promise<void> | null;
  failures: number;
  /** Open rooms of this document (0 or 1 in practice). */
  users: number;
}

const MAX_RETRY_MS = 10_000;
const CLOSE_ATTEMPTS = 4;

export class UpdateWriter {
  private readonly docs = new Map<string, DocLog>();
  private closed = false;

  constructor(private readonly opts: UpdateWriterOptions) {}

  /** Stored updates plus those not yet committed, for a room that is loading. */
  async open(docName: string): Promise<Uint8Array[]> {
    const log = this.logFor(docName);
    log.users++;
    // Taken before reading: whatever is not in this list was committed before the read began.
    const unwritten = [...(log.inFlight ? [log.inFlight] : []), ...log.pending];
    try {
      const stored = await this.opts.persistence.load(docName);
      log.rows = stored.length;
      this.maybeCompact(docName, log);
      return unwritten.length ? [...stored, ...unwritten] : stored;
    } catch (err) {
      log.users--;
      this.forgetIfIdle(docName, log);
      throw err;
    }
  }

  append(docName: string, update: Uint8Array): void {
    if (this.closed) {
      this.opts.logger.error('yjs update after close was not persisted', { docName, bytes: update.length });
      return;
    }
    const log = this.logFor(docName);
    log.pending.push(update);
    if (!log.timer) log.timer = setTimeout(() => this.background(docName, log), this.opts.batchMs);
  }

  /** The room of this document is gone; write what it left behind. */
  async release(docName: string): Promise<void> {
    const log = this.docs.get(docName);
    if (!log) return;
    log.users--;
    try {
      await this.flushDoc(docName, log);
    } finally {
      this.forgetIfIdle(docName, log);
    }
  }

  /** Writes everything appended so far and waits for running compactions. */
  async flush(): Promise<void> {
    const entries = [...this.docs];
    await Promise.all(entries.map(([name, log]) => this.flushDoc(name, log)));
    await Promise.all(entries.map(([, log]) => log.compaction));
  }

  /** Flushes, retrying a few times; rejects if some updates could still not be written. */
  async close(): Promise<void> {
    this.closed = true;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.flush();
        break;
      } catch (err) {
        if (attempt >= CLOSE_ATTEMPTS) {
          const unsaved = [...this.docs].filter(([, l]) => l.pending.length > 0).map(([n]) => n);
          for (const log of this.docs.values()) this.clearTimer(log);
          throw new Error(`Yjs updates of ${unsaved.length} document(s) could not be persisted: ${unsaved.join(', ')}`, { cause: err });
        }
        await new Promise((r) => setTimeout(r, 100 * 4 ** attempt));
      }
    }
    for (const log of this.docs.values()) this.clearTimer(log);
  }

  private logFor(docName: string): DocLog {
    let log = this.docs.get(docName);
    if (!log) {
      log = { pending: [], inFlight: null, timer: null, chain: Promise.resolve(), rows: 0, compaction: null, failures: 0, users: 0 };
      this.docs.set(docName, log);
    }
    return log;
  }

  private background(docName: string, log: DocLog): void {
    log.timer = null;
    this.flushDoc(docName, log).catch((err: unknown) => {
      log.failures++;
      const delay = Math.min(MAX_RETRY_MS, 100 * 2 ** log.failures);
      this.opts.logger.error('yjs update write failed; retrying', { docName, pending: log.pending.length, retryInMs: delay, err });
      if (!log.timer && !this.closed) log.timer = setTimeout(() => this.background(docName, log), delay);
    });
  }

  private flushDoc(docName: string, log: DocLog): Promise<void> {
    this.clearTimer(log);
    const step = log.chain.then(() => this.drain(docName, log));
    log.chain = step.catch(() => undefined);
    return step;
  }

  private async drain(docName: string, log: DocLog): Promise<void> {
    while (log.pending.length > 0) {
      const batch = log.pending.splice(0);
      const merged = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
      log.inFlight = merged;
      try {
        await this.opts.persistence.append(docName, merged);
      } catch (err) {
        log.pending.unshift(merged);
        throw err;
      } finally {
        log.inFlight = null;
      }
      log.rows++;
      log.failures = 0;
    }
    this.maybeCompact(docName, log);
    this.forgetIfIdle(docName, log);
  }

  private maybeCompact(docName: string, log: DocLog): void {
    if (this.closed || log.compaction || log.rows <= this.opts.compactAfterRows) return;
    log.compaction = this.opts.persistence
      .compact(docName)
      .then(
        (merged) => {
          if (merged > 0) log.rows -= merged - 1;
          this.opts.logger.debug('yjs document compacted', { docName, merged });
        },
        // Nothing is lost: the rows are all still there, the next append tries again.
        (err: unknown) => this.opts.logger.warn('yjs compaction failed', { docName, err }),
      )
      .finally(() => {
        log.compaction = null;
        this.forgetIfIdle(docName, log);
      });
  }

  private forgetIfIdle(docName: string, log: DocLog): void {
    const idle = log.users === 0 && log.pending.length === 0 && !log.inFlight && !log.timer && !log.compaction;
    if (idle && this.docs.get(docName) === log) this.docs.delete(docName);
  }

  private clearTimer(log: DocLog): void {
    if (log.timer) clearTimeout(log.timer);
    log.timer = null;
  }
}
