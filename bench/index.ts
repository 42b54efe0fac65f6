// `npm run bench`: every benchmark, printed as ops/s and ratios to a baseline measured
// in the same run. Not a test: nothing here passes or fails on timing.
import { journalAppendBench } from './journal-append.ts';
import { engineBench } from './engine.ts';
import { engineThroughputBench } from './engine-throughput.ts';
import { yjsBench } from './yjs.ts';

const ops = Number(process.env.BENCH_OPS ?? 2000);
console.log(`# Switchyard benchmarks — node ${process.version}, ${new Date().toISOString()}`);
await journalAppendBench(ops);
await (await import('./journal-store.ts')).journalStoreBench(ops);
await engineBench(ops);
await engineThroughputBench();
await yjsBench();
