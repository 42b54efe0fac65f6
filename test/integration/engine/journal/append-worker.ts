// Another process appending to a run: `node --import tsx append-worker.ts <config json> <run> <owner> <count>`.
// Appends <count> events one by one (so its commits interleave with the test's) and prints
// the seq numbers it got as JSON.
import { createJournalStore } from '../../../../server/engine/journal-store.ts';

const [configJson, runId, owner, count] = process.argv.slice(2) as [string, string, string, string];
const store = await createJournalStore(JSON.parse(configJson), { poolSize: 2 });
const seqs: number[] = [];
try {
  for (let i = 0; i < Number(count); i++) {
    seqs.push(...(await store.append({ runId, owner, events: [{ type: 'from-worker', payload: { i, pid: process.pid } }] })).map((e) => e.seq));
  }
} finally {
  await store.close();
}
process.stdout.write(JSON.stringify(seqs));
