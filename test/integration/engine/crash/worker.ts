// The crash test's engine process: `node --import tsx test/integration/engine/crash/worker.ts`.
// A Switchyard server (API and engine, no UI) on DATA_DIR / DATABASE_URL with the test node
// types plus `ledger`, whose attempts are appended to LEDGER_FILE. Short leases (LEASE_MS) so
// a restarted worker takes over the runs of the one killed before it quickly. Prints
// "crash-worker ready on <url>" once it listens; SIGTERM shuts it down gracefully, SIGKILL is
// what the test does to it. It exits on its own when its parent (the test) goes away.
import { createNodeRegistry } from '../../../../engine/nodes/define-node.ts';
import { createSwitchyard, type Switchyard } from '../../../../server/app.ts';
import { loadConfig } from '../../../../server/config.ts';
import { createLogger } from '../../../../server/logger.ts';
import { testRegistry } from '../../../helpers/test-nodes.ts';
import { testRunners } from '../../../helpers/test-runners.ts';
import { ledgerNode, ledgerRunner } from './ledger-node.ts';

const ledgerFile = process.env.LEDGER_FILE;
if (!ledgerFile) {
  process.stderr.write('crash-worker: LEDGER_FILE is required\n');
  process.exit(2);
}
const leaseMs = Number(process.env.LEASE_MS ?? 1000);

const config = loadConfig({ ...process.env, PORT: process.env.PORT ?? '0', HOST: '127.0.0.1' });
const log = createLogger(config.logLevel, `worker:${process.pid}`);
let app: Switchyard | undefined;
let stopping = false;

// Started by the test with a stdin pipe (CRASH_WORKER_EXIT_WITH_PARENT=1): if the test runner
// itself dies, the pipe closes and the worker goes too, instead of running on as an orphan.
if (process.env.CRASH_WORKER_EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', () => process.exit(3));
  process.stdin.on('error', () => process.exit(3));
  process.stdin.resume();
}

process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  (app ? app.close() : Promise.resolve()).then(() => process.exit(0), () => process.exit(1));
});

try {
  app = await createSwitchyard(config, {
    ui: false,
    log,
    registry: createNodeRegistry([...testRegistry().list(), ledgerNode]),
    runners: [...testRunners(), ledgerRunner(ledgerFile)],
    leaseMs,
  });
  if (!stopping) {
    const { url } = await app.listen();
    process.stdout.write(`crash-worker ready on ${url}\n`);
  }
} catch (err) {
  process.stderr.write(`crash-worker failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
}
