// A tiny benchmark harness: run each case for a fixed number of operations after a
// warm-up, report ops/s and the ratio to the baseline case measured in the same run
// (absolute numbers vary by machine; ratios are what to compare between commits).
export interface BenchCase {
  name: string;
  /** Performs `n` operations. */
  run(n: number): Promise<void>;
}

export interface BenchResult { name: string; opsPerSec: number; ratio: number }

/**
 * The time ratio of two cases measured in turns: `blocks` alternating blocks of `n` operations
 * each. On a shared machine load drifts over seconds; taking turns spreads it over both sides,
 * where measuring one case after the other can hand all of it to one. Returns time(a) / time(b).
 */
export async function pairedRatio(a: BenchCase, b: BenchCase, n: number, blocks = 20): Promise<number> {
  const total = [0, 0];
  for (let block = 0; block < blocks; block++) {
    for (const [i, c] of [a, b].entries()) {
      const t0 = process.hrtime.bigint();
      await c.run(n);
      total[i]! += Number(process.hrtime.bigint() - t0);
    }
  }
  return total[0]! / total[1]!;
}

export async function runSuite(title: string, cases: BenchCase[], ops: number, warmup = Math.ceil(ops / 10)): Promise<BenchResult[]> {
  console.log(`\n## ${title}  (${ops} operations per case, best of 3)`);
  const results: BenchResult[] = [];
  for (const c of cases) {
    await c.run(warmup);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint();
      await c.run(ops);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const opsPerSec = ops / best;
    const ratio = results.length ? opsPerSec / results[0]!.opsPerSec : 1;
    results.push({ name: c.name, opsPerSec, ratio });
    console.log(`${c.name.padEnd(52)} ${Math.round(opsPerSec).toLocaleString('en').padStart(10)} ops/s   ${results.length === 1 ? 'baseline' : `${ratio.toFixed(2)}× baseline`}`);
  }
  return results;
}
