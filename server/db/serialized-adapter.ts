// Makes a single-connection driver adapter safe to share between concurrent callers.
//
// The better-sqlite3 adapter keeps ONE connection and only makes transactions wait for each
// other. A plain query issued while an interactive transaction is open runs on that same
// connection — inside the transaction: it sees uncommitted rows and is rolled back with it,
// after it already reported success. Here every statement waits for a lock that a
// transaction holds from BEGIN until COMMIT or ROLLBACK, so a caller's statement is always
// either entirely before or entirely after someone else's transaction.
import type {
  IsolationLevel, SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery, Transaction,
} from '@prisma/driver-adapter-utils';

/** A FIFO async mutex. */
export class Lock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try { return await fn(); } finally { release(); }
  }
}

function wrapTransaction(tx: Transaction, release: () => void): Transaction {
  let done = false;
  const finish = async (op: () => Promise<void>) => {
    try { await op(); } finally { if (!done) { done = true; release(); } }
  };
  // Statements inside the transaction already own the lock: they go straight through.
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (q) => tx.queryRaw(q),
    executeRaw: (q) => tx.executeRaw(q),
    commit: () => finish(() => tx.commit()),
    rollback: () => finish(() => tx.rollback()),
    createSavepoint: tx.createSavepoint?.bind(tx),
    rollbackToSavepoint: tx.rollbackToSavepoint?.bind(tx),
    releaseSavepoint: tx.releaseSavepoint?.bind(tx),
  };
}

export function serializeAdapter(inner: SqlDriverAdapter, lock = new Lock()): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (q: SqlQuery) => lock.run(() => inner.queryRaw(q)),
    executeRaw: (q: SqlQuery) => lock.run(() => inner.executeRaw(q)),
    executeScript: (script: string) => lock.run(() => inner.executeScript(script)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    startTransaction: async (isolation?: IsolationLevel) => {
      const release = await lock.acquire();
      try {
        return wrapTransaction(await inner.startTransaction(isolation), release);
      } catch (err) {
        release();
        throw err;
      }
    },
    dispose: () => inner.dispose(),
  };
}

export function serializeAdapterFactory(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serializeAdapter(await factory.connect()),
    connectToShadowDb: async () => serializeAdapter(await factory.connectToShadowDb()),
  };
}
