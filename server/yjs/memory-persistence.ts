// In-process persistence for tests and for running without a database. It mirrors the
// Prisma implementation's semantics, including compaction that reads, yields (as a database
// round trip would) and then replaces only the rows it read, so races show up here too.
import { DEFAULT_COMPACT_MAX_ROWS, snapshotOf, type YjsPersistence } from './persistence.ts';

interface Row { id: number; update: Uint8Array }

export interface MemoryYjsPersistence extends YjsPersistence {
  /** Number of stored rows of a document, for assertions. */
  rowCount(docName: string): number;
}

export function createMemoryYjsPersistence(): MemoryYjsPersistence {
  const docs = new Map<string, Row[]>();
  let nextId = 1;
  const rowsOf = (docName: string): Row[] => {
    let rows = docs.get(docName);
    if (!rows) docs.set(docName, (rows = []));
    return rows;
  };

  return {
    async load(docName) {
      return (docs.get(docName) ?? []).map((r) => r.update);
    },
    async append(docName, update) {
      // Copy: the caller's buffer may be a view into memory that gets reused.
      rowsOf(docName).push({ id: nextId++, update: update.slice() });
    },
    async compact(docName, maxRows = DEFAULT_COMPACT_MAX_ROWS) {
      const read = (docs.get(docName) ?? []).slice(0, maxRows);
      if (read.length < 2) return 0;
      const snapshot = snapshotOf(read.map((r) => r.update));
      await Promise.resolve();
      const rows = rowsOf(docName);
      const ids = new Set(read.map((r) => r.id));
      const kept = rows.filter((r) => !ids.has(r.id));
      if (rows.length - kept.length !== read.length) throw new Error(`compaction of ${docName} raced another one`);
      // The snapshot takes the oldest merged row's id, so the log stays in arrival order.
      const first = read[0]!;
      docs.set(docName, [{ id: first.id, update: snapshot }, ...kept].sort((a, b) => a.id - b.id));
      return read.length;
    },
    rowCount: (docName) => docs.get(docName)?.length ?? 0,
  };
}
