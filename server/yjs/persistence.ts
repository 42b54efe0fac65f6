// Storage contract for Yjs documents: an append-only log of binary Yjs updates per document,
// occasionally folded into a single snapshot row. Yjs updates are idempotent and commutative,
// so a log is always replayable; what storage must guarantee is that no appended update is
// ever dropped, and that a compaction replaces exactly the rows it merged.
import * as Y from 'yjs';

export interface YjsPersistence {
  /** Every stored update of the document, oldest first; [] for an unknown document. */
  load(docName: string): Promise<Uint8Array[]>;
  /** Stores one update durably; resolves only once it is committed. */
  append(docName: string, update: Uint8Array): Promise<void>;
  /**
   * Merges the document's oldest rows (at most `maxRows`) into one snapshot row. Deleting the
   * merged rows and inserting the snapshot happen in one transaction that aborts if any of
   * those rows has disappeared meanwhile (a concurrent compaction), so a crash or a race at
   * any point neither loses nor duplicates rows. Appends may run concurrently. Returns how
   * many rows were replaced (0 when there was nothing worth merging).
   */
  compact(docName: string, maxRows?: number): Promise<number>;
}

export const DEFAULT_COMPACT_MAX_ROWS = 5000;

/**
 * One update equivalent to all of `updates`. Replaying them into a fresh document (rather
 * than Y.mergeUpdates) lets Yjs garbage-collect deleted content, so snapshots do not grow
 * with everything ever typed; updates whose dependencies are missing stay in the result as
 * pending structs, so nothing is lost either.
 */
export function snapshotOf(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  try {
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}
