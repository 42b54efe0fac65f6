// Yjs update log in the YjsUpdate table (SQLite or PostgreSQL through Prisma). One row per
// stored update, read back in id order; compaction folds the oldest rows into the first of
// them. See persistence.ts for the guarantees.
import type { Db } from '../db/client.ts';
import { DEFAULT_COMPACT_MAX_ROWS, snapshotOf, type YjsPersistence } from './persistence.ts';

export class CompactionRaceError extends Error {
  override name = 'CompactionRaceError';
}

// Every statement runs in a transaction, even single reads and inserts. With SQLite the
// driver adapter has one connection and serialises only transactions: a plain query issued
// while another module's interactive transaction is open executes inside it, sees its
// uncommitted rows, and is rolled back with it after having resolved — an acknowledged edit
// lost. A transaction waits for the open one to finish instead. (Batches of one query are
// not enough: Prisma runs them without a transaction.) On PostgreSQL it costs a BEGIN/COMMIT.
const TX_OPTIONS = { maxWait: 10_000, timeout: 10_000 };

// Prisma 7 types Bytes as Uint8Array<ArrayBuffer>; Yjs and ws hand out views that may sit on
// a shared or pooled buffer. Copying also detaches the row from memory that could be reused.
function toBytes(update: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(update);
}

export function createPrismaYjsPersistence(db: Db): YjsPersistence {
  return {
    async load(docName) {
      const rows = await db.$transaction(
        (tx) => tx.yjsUpdate.findMany({ where: { docName }, orderBy: { id: 'asc' }, select: { update: true } }),
        TX_OPTIONS,
      );
      return rows.map((r) => r.update);
    },

    async append(docName, update) {
      await db.$transaction((tx) => tx.yjsUpdate.create({ data: { docName, update: toBytes(update) }, select: { id: true } }), TX_OPTIONS);
    },

    async compact(docName, maxRows = DEFAULT_COMPACT_MAX_ROWS) {
      const rows = await db.$transaction(
        (tx) => tx.yjsUpdate.findMany({ where: { docName }, orderBy: { id: 'asc' }, take: maxRows, select: { id: true, update: true } }),
        TX_OPTIONS,
      );
      const [first, ...rest] = rows;
      if (!first || rest.length === 0) return 0;
      // Merged outside the transaction so the write lock is held only for two statements.
      const snapshot = toBytes(snapshotOf(rows.map((r) => r.update)));
      await db.$transaction(async (tx) => {
        // Deleting exactly the ids we read, and insisting they were all still there, makes a
        // concurrent compaction (another process) roll back instead of double-storing: on
        // PostgreSQL the second DELETE waits for the first transaction's row locks and then
        // finds the rows gone.
        const deleted = await tx.yjsUpdate.deleteMany({ where: { docName, id: { in: rest.map((r) => r.id) } } });
        if (deleted.count !== rest.length) {
          throw new CompactionRaceError(`${docName}: ${rest.length - deleted.count} of the merged rows vanished`);
        }
        // Reusing the oldest row keeps the log in arrival order without a new id.
        const updated = await tx.yjsUpdate.updateMany({ where: { docName, id: first.id }, data: { update: snapshot } });
        if (updated.count !== 1) throw new CompactionRaceError(`${docName}: row ${first.id} vanished`);
      }, TX_OPTIONS);
      return rows.length;
    },
  };
}
