// The journal store on PostgreSQL: its own pg Pool, talking to the tables Prisma migrated.
//
// A batch is committed as one statement (postgres-journal-sql.ts). Writes of one run share
// its fence inside that statement — they come from one owner, so they stand or fall
// together, exactly as if each had been checked behind its own savepoint — and a write whose
// run is fenced out is refused without disturbing the others. A run written by two owners in
// one batch (at most one can hold the lease) splits the batch, so each run has one owner
// per statement. If the statement fails (a constraint, bad data), PostgreSQL has rolled it
// back, and the writes are replayed one statement each, so only the faulty ones fail.
// A lost connection is not replayed: the outcome is unknown (the commit may have landed),
// so those writes reject and the engine must re-read the journal before going on.
import pg from 'pg';
import { GroupCommit, type Pending } from './group-commit.ts';
import { timeOrderedIds } from './row-ids.ts';
import { encodeWrite, mergeRun, mergeStep, type EncodedStep, type EncodedWrite } from './journal-encode.ts';
import { LeaseLostError, type AppendedEvent, type JournalStore, type JournalStoreOptions } from './journal-types.ts';
import { appendSql, type AppendShape, CLAIM_SQL, READ_SQL, RELEASE_SQL, RENEW_SQL } from './postgres-journal-sql.ts';

type Entry = Pending<EncodedWrite, AppendedEvent[]>;

const isoDate = (d: Date): string => d.toISOString();
const str = JSON.stringify;

// timestamp without time zone holds UTC (Prisma's convention); pg would read it as local time.
const TIMESTAMP_OID = 1114;
const parseUtc = (s: string): Date => new Date(`${s.replace(' ', 'T')}Z`);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID ? parseUtc : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Prepared once per connection, per shape of batch. */
const statements = new Map<string, { name: string; text: string }>();
function statement(shape: AppendShape): { name: string; text: string } {
  const key = `${Number(shape.oneRun)}${Number(shape.oneEvent)}${Number(shape.runFields)}${Number(shape.steps)}`;
  let st = statements.get(key);
  if (!st) statements.set(key, st = { name: `journal-append-${key}`, text: appendSql(shape) });
  return st;
}

interface Group { owner: string; types: string[]; payloads: string[]; run: EncodedWrite['run'] }

/** The statement for a chunk of writes (one owner per run) and its inputs. */
function buildChunk(chunk: Entry[], nextId: () => string): { name: string; text: string; values: unknown[] } {
  const groups = new Map<string, Group>();
  const steps = new Map<string, EncodedStep & { run: string }>();
  for (const { item: w } of chunk) {
    let g = groups.get(w.runId);
    if (!g) groups.set(w.runId, g = { owner: w.owner, types: [], payloads: [], run: null });
    g.types.push(...w.types);
    g.payloads.push(...w.payloads);
    if (w.run) g.run = g.run ? mergeRun(g.run, w.run) : w.run;
    // One statement may touch a row once: later changes to the same step merge into earlier ones.
    for (const st of w.steps) {
      const key = `${w.runId}\u0000${st.stepId}\u0000${st.iteration}`;
      const prev = steps.get(key);
      steps.set(key, { ...(prev ? mergeStep(prev, st) : st), run: w.runId });
    }
  }
  const stepsJson = steps.size === 0 ? undefined : `[${[...steps.values()].map((st) =>
    `{"id":${str(nextId())},"run":${str(st.run)},"step":${str(st.stepId)},"iter":${str(st.iteration)},"m":${st.mask},` +
    `"status":${str(st.status)},"attempt":${str(st.attempt)},"input":${st.input ?? 'null'},"output":${st.output ?? 'null'},` +
    `"error":${st.error ?? 'null'},"summary":${str(st.summary)},"started":${str(st.startedAt)},"finished":${str(st.finishedAt)}}`).join(',')}]`;
  const runFields = [...groups.values()].some((g) => g.run);
  const [[runId, first]] = groups as unknown as [[string, Group]];
  const oneRun = groups.size === 1;
  const shape = { oneRun, oneEvent: oneRun && first.types.length === 1, runFields, steps: stepsJson !== undefined };
  let values: unknown[];
  if (shape.oneRun) {
    const g = first;
    values = shape.oneEvent ? [runId, g.owner, g.types[0], g.payloads[0]] : [runId, g.owner, g.types, g.payloads];
    if (g.run) values.push(g.run.mask, g.run.status, g.run.outputs, g.run.error, g.run.startedAt, g.run.finishedAt);
  } else {
    const gs: string[] = [];
    const events: string[] = [];
    for (const [run, { owner, types, payloads, run: c }] of groups) {
      gs.push(`{"run":${str(run)},"owner":${str(owner)},"n":${types.length}` + (c
        ? `,"m":${c.mask},"status":${str(c.status)},"outputs":${c.outputs ?? 'null'},"error":${c.error ?? 'null'},"started":${str(c.startedAt)},"finished":${str(c.finishedAt)}}`
        : ',"m":0}'));
      for (let i = 0; i < types.length; i++) events.push(`{"run":${str(run)},"k":${i + 1},"type":${str(types[i])},"payload":${payloads[i]}}`);
    }
    values = [`[${gs.join(',')}]`, `[${events.join(',')}]`];
  }
  if (stepsJson !== undefined) values.push(stepsJson);
  return { ...statement(shape), values };
}

/** Splits a batch, in order, so that no chunk has one run written by two owners. */
function chunksOf(batch: Entry[]): Entry[][] {
  const chunks: Entry[][] = [];
  let owners = new Map<string, string>();
  let chunk: Entry[] = [];
  for (const p of batch) {
    const owner = owners.get(p.item.runId);
    if (owner !== undefined && owner !== p.item.owner) {
      chunks.push(chunk);
      chunk = [];
      owners = new Map();
    }
    owners.set(p.item.runId, p.item.owner);
    chunk.push(p);
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}

export function openPostgresJournal(url: string, opts: JournalStoreOptions = {}): JournalStore {
  const pool = new pg.Pool({ connectionString: url, max: Math.max(2, opts.poolSize ?? 4), types });
  // An idle client that loses its connection is dropped by the pool; without a listener the
  // 'error' event would crash the process.
  pool.on('error', () => {});
  const nextId = timeOrderedIds();

  // The writer keeps one connection checked out — one batch is in flight at a time — which
  // saves a pool checkout per commit. A broken connection is dropped and replaced next time.
  let writeConn: pg.PoolClient | undefined;
  function dropWriteConn(conn: pg.PoolClient, err: Error): void {
    if (writeConn !== conn) return;
    writeConn = undefined;
    conn.release(err);
  }
  async function writeConnection(): Promise<pg.PoolClient> {
    if (writeConn) return writeConn;
    const conn = await pool.connect();
    conn.on('error', (err) => dropWriteConn(conn, err)); // a checked-out client's errors are ours
    return writeConn = conn;
  }

  async function commitChunk(chunk: Entry[]): Promise<void> {
    const conn = await writeConnection();
    const res = await conn.query<{ id: string; base: number; at: number }>(buildChunk(chunk, nextId)).catch((err: unknown) => {
      if (!(err instanceof pg.DatabaseError)) dropWriteConn(conn, err instanceof Error ? err : new Error(String(err)));
      throw err;
    });
    const fenced = new Map(res.rows.map((r) => [r.id, r]));
    const at = new Date(Math.round(res.rows[0]?.at ?? 0)); // one statement, one time: every row has the same
    const next = new Map<string, number>(); // the next seq per run, in call order
    for (const p of chunk) {
      const w = p.item;
      const row = fenced.get(w.runId);
      if (!row) { p.reject(new LeaseLostError(w.runId, w.owner)); continue; }
      const first = next.get(w.runId) ?? row.base + 1;
      next.set(w.runId, first + w.types.length);
      p.resolve(w.types.map((type, i) => ({ runId: w.runId, seq: first + i, type, payload: w.values[i], at })));
    }
  }

  const writer = new GroupCommit<EncodedWrite, AppendedEvent[]>(async (batch) => {
    for (const chunk of chunksOf(batch)) {
      try {
        await commitChunk(chunk);
      } catch (err) {
        // Only an error the server reported proves the statement was rolled back.
        if (!(err instanceof pg.DatabaseError) || chunk.length === 1) { for (const p of chunk) p.reject(err); continue; }
        for (const p of chunk) await commitChunk([p]).catch((e: unknown) => p.reject(e));
      }
    }
  }, { maxBatch: opts.groupCommitMaxBatch ?? 1000, maxWaitMs: opts.groupCommitMaxWaitMs ?? 0 });

  let closed = false;
  const open = () => { if (closed) throw new Error('The journal store is closed'); };

  return {
    async append(write) {
      open();
      return writer.submit(encodeWrite(write, isoDate));
    },
    async claim(owner, { statuses, limit, leaseMs, runIds, own }) {
      open();
      const res = await pool.query<{ id: string }>({ name: 'journal-claim', text: CLAIM_SQL, values: [owner, statuses, limit, leaseMs, runIds ?? null, own ? owner : null] });
      return res.rows.map((r) => r.id);
    },
    async renew(owner, runIds, leaseMs) {
      open();
      const res = await pool.query<{ id: string }>({ name: 'journal-renew', text: RENEW_SQL, values: [owner, runIds, leaseMs] });
      const kept = new Set(res.rows.map((r) => r.id));
      return runIds.filter((id) => !kept.has(id));
    },
    async release(owner, runId) {
      open();
      await writer.drain();
      await pool.query({ name: 'journal-release', text: RELEASE_SQL, values: [runId, owner] });
    },
    async read(runId, afterSeq = 0, limit) {
      open();
      const res = await pool.query<{ seq: number; type: string; payload: unknown; createdAt: Date }>({ name: 'journal-read', text: READ_SQL, values: [runId, afterSeq, limit ?? null] });
      return res.rows.map((r) => ({ runId, seq: r.seq, type: r.type, payload: r.payload, at: r.createdAt }));
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.drain();
      writeConn?.release();
      writeConn = undefined;
      await pool.end();
    },
  };
}
