// The PostgreSQL journal statements. A whole group-committed batch is ONE statement (so one
// round trip and one commit, with no BEGIN/COMMIT around it): data-modifying CTEs fence,
// number, journal and apply the row changes together, and the statement is atomic.
//
// Two families, each in variants that leave out what a batch does not need (run fields,
// steps), so the common event-only append costs little more than a plain insert:
// - one run (a sequential writer): the run and owner are scalars, events two arrays;
// - many runs: JSON arrays (groups, one per run; events; steps) expanded by
//   json_to_recordset, so one statement text serves any batch size.
// Dates travel as ISO text ending in "Z" into timestamp(3) columns: PostgreSQL ignores the
// zone for timestamp without time zone, which stores UTC as Prisma does.
//
// Every "now" is the database's clock (clock_timestamp() at UTC), so workers on different
// machines agree on when a lease expires whatever their own clocks say.
export const NOW = `(clock_timestamp() AT TIME ZONE 'UTC')`;

const AT = `(statement_timestamp() AT TIME ZONE 'UTC')::timestamp(3)`; // one value per statement

const RUN_FIELDS = `,
    "status" = CASE WHEN g.m & 1 <> 0 THEN g.status ELSE t."status" END,
    "outputs" = CASE WHEN g.m & 2 <> 0 THEN g.outputs ELSE t."outputs" END,
    "error" = CASE WHEN g.m & 4 <> 0 THEN g.error ELSE t."error" END,
    "startedAt" = CASE WHEN g.m & 8 <> 0 THEN g.started ELSE t."startedAt" END,
    "finishedAt" = CASE WHEN g.m & 16 <> 0 THEN g.finished ELSE t."finishedAt" END`;

const steps = (param: string) => `, s AS (
  SELECT s.* FROM json_to_recordset(${param}::json) AS s(id text, run text, step text, iter text, m int, status text, attempt int,
    input jsonb, output jsonb, error jsonb, summary text, started timestamp(3), finished timestamp(3)) JOIN r ON r."id" = s.run
), su AS (
  UPDATE "RunStep" AS t SET "status" = s.status,
    "attempt" = CASE WHEN s.m & 1 <> 0 THEN s.attempt ELSE t."attempt" END,
    "input" = CASE WHEN s.m & 2 <> 0 THEN s.input ELSE t."input" END,
    "output" = CASE WHEN s.m & 4 <> 0 THEN s.output ELSE t."output" END,
    "error" = CASE WHEN s.m & 8 <> 0 THEN s.error ELSE t."error" END,
    "summary" = CASE WHEN s.m & 64 <> 0 THEN s.summary ELSE t."summary" END,
    "startedAt" = CASE WHEN s.m & 16 <> 0 THEN s.started ELSE t."startedAt" END,
    "finishedAt" = CASE WHEN s.m & 32 <> 0 THEN s.finished ELSE t."finishedAt" END
  FROM s WHERE t."runId" = s.run AND t."stepId" = s.step AND t."iteration" = s.iter
), si AS (
  INSERT INTO "RunStep" ("id", "runId", "stepId", "iteration", "status", "attempt", "input", "output", "error", "summary", "startedAt", "finishedAt")
  SELECT s.id, s.run, s.step, s.iter, s.status, COALESCE(s.attempt, 0), s.input, s.output, s.error, s.summary, s.started, s.finished FROM s
  WHERE NOT EXISTS (SELECT 1 FROM "RunStep" AS t WHERE t."runId" = s.run AND t."stepId" = s.step AND t."iteration" = s.iter)
)`;

export interface AppendShape { oneRun: boolean; oneEvent: boolean; runFields: boolean; steps: boolean }

const EVENTS_AND_RESULT = (events: string, shape: AppendShape, stepsParam: string) => `, ev AS (
  INSERT INTO "RunEvent" ("runId", "seq", "type", "payload", "createdAt")
  SELECT r."id", r.base + e.k, e.type, COALESCE(e.payload, 'null'::jsonb), ${AT} FROM ${events}
)${shape.steps ? steps(stepsParam) : ''}
SELECT r."id", r.base, (extract(epoch FROM ${AT}) * 1000)::float8 AS at FROM r`; // epoch ms: cheaper to read than a date per row

/**
 * The append statement for a shape of batch.
 *
 * r: the fence. Only runs whose lease the writer still holds are updated: lastSeq moves by
 *    the run's event count (the row lock taken here serialises writers of one run, and a
 *    rolled-back statement takes its numbers back, so seq stays dense), and the run's fields
 *    change as the mask says. It returns the fenced-in runs and their old lastSeq.
 * ev, su, si: events and steps join r, so a fenced-out run gets neither. su updates steps
 *    that existed before the statement; si inserts the others (all CTEs see the same
 *    snapshot, so each step lands in exactly one of the two).
 *
 * One run: $1 run, $2 owner, $3 event types (text[]; text for one event), $4 payloads (jsonb[]; jsonb), then
 *   [$5 mask, $6 status, $7 outputs, $8 error, $9 startedAt, $10 finishedAt], then steps (JSON).
 * Many runs: $1 groups, $2 events, $3 steps (JSON arrays).
 */
export function appendSql(shape: AppendShape): string {
  if (shape.oneRun) {
    // One event (the common single append): scalars, no arrays to build and unnest.
    const n = shape.oneEvent ? '1' : 'cardinality($3::text[])';
    const events = shape.oneEvent
      ? 'r, (SELECT $3::text AS type, $4::jsonb AS payload, 1 AS k) AS e'
      : 'r, unnest($3::text[], $4::jsonb[]) WITH ORDINALITY AS e(type, payload, k)';
    const g = shape.runFields
      ? `\n  FROM (SELECT $5::int AS m, $6::text AS status, $7::jsonb AS outputs, $8::jsonb AS error, $9::timestamp(3) AS started, $10::timestamp(3) AS finished) AS g`
      : '';
    return `WITH r AS (
  UPDATE "Run" AS t SET "lastSeq" = t."lastSeq" + ${n}${shape.runFields ? RUN_FIELDS : ''}${g}
  WHERE t."id" = $1 AND t."leaseOwner" = $2 AND t."leaseUntil" > ${NOW}
  RETURNING t."id", t."lastSeq" - ${n} AS base
)${EVENTS_AND_RESULT(events, shape, shape.runFields ? '$11' : '$5')}`;
  }
  const g = shape.runFields
    ? 'run text, owner text, n int, m int, status text, outputs jsonb, error jsonb, started timestamp(3), finished timestamp(3)'
    : 'run text, owner text, n int';
  return `WITH g AS (
  SELECT * FROM json_to_recordset($1::json) AS g(${g})
), r AS (
  UPDATE "Run" AS t SET "lastSeq" = t."lastSeq" + g.n${shape.runFields ? RUN_FIELDS : ''}
  FROM g WHERE t."id" = g.run AND t."leaseOwner" = g.owner AND t."leaseUntil" > ${NOW}
  RETURNING t."id", t."lastSeq" - g.n AS base
)${EVENTS_AND_RESULT(`json_to_recordset($2::json) AS e(run text, k int, type text, payload jsonb) JOIN r ON r."id" = e.run`, shape, '$3')}`;
}

// SKIP LOCKED: concurrent claimers pass over each other's candidates instead of queueing.
// The CTE runs once, so exactly the rows it locked are leased; a row another claimer leased
// after this statement's snapshot is re-checked against the lease condition when locked.
// Claimed runs come back oldest first, the order to start them in.
// $5: only these run ids (NULL: any); $6: an owner whose own leases are claimed too (NULL: none).
export const CLAIM_SQL = `WITH c AS (
  SELECT "id" FROM "Run" WHERE "status" = ANY($2::text[]) AND ($5::text[] IS NULL OR "id" = ANY($5::text[]))
    AND ("leaseUntil" IS NULL OR "leaseUntil" <= ${NOW} OR "leaseOwner" = $6::text)
  ORDER BY "createdAt" LIMIT $3 FOR UPDATE SKIP LOCKED
), u AS (
  UPDATE "Run" AS t SET "leaseOwner" = $1, "leaseUntil" = ${NOW} + $4::float8 * interval '1 millisecond'
  FROM c WHERE t."id" = c."id" RETURNING t."id", t."createdAt"
)
SELECT "id" FROM u ORDER BY "createdAt", "id"`;

export const RENEW_SQL = `UPDATE "Run" SET "leaseUntil" = ${NOW} + $3::float8 * interval '1 millisecond'
WHERE "id" = ANY($2::text[]) AND "leaseOwner" = $1 AND "leaseUntil" > ${NOW} RETURNING "id"`;

export const RELEASE_SQL = `UPDATE "Run" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "id" = $1 AND "leaseOwner" = $2`;

export const READ_SQL = `SELECT "seq", "type", "payload", "createdAt" FROM "RunEvent" WHERE "runId" = $1 AND "seq" > $2 ORDER BY "seq" LIMIT $3`;
