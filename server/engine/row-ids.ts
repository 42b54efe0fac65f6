// Ids for rows the journal store inserts on the hot path (RunStep).
//
// A random UUID lands each insert on a random leaf of the primary-key index, so a group
// commit of 30 runs dirtied ~30 extra index pages — on SQLite every dirty page is a WAL frame
// written at COMMIT, and that was a quarter of the commit cost. These ids grow with time
// (milliseconds, then a per-process counter), so inserts append to the index's right edge;
// a random per-process part keeps two processes' ids apart. Same length and alphabet as
// cuid ids (lower-case base 36), which is what Prisma writes for rows it creates.
import { randomBytes } from 'node:crypto';

const pad = (n: number, width: number) => n.toString(36).padStart(width, '0').slice(-width);

export function timeOrderedIds(): () => string {
  const node = pad(randomBytes(4).readUInt32BE(0), 6);
  let lastMs = 0;
  let counter = 0;
  let prefix = '';
  return () => {
    const ms = Date.now();
    // The counter orders ids within a millisecond; a clock that steps back keeps the last
    // time so ids never go backwards in this process.
    if (ms <= lastMs) counter++;
    else { lastMs = ms; counter = 0; prefix = `c${pad(ms, 9)}`; }
    return `${prefix}${pad(counter, 5)}${node}`;
  };
}
