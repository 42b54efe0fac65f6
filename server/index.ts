// Entry point: `npm start` (production) and `npm run dev` (--dev, hot reload).
// Only wiring lives here: config, the server, signals.
import { ConfigError, loadConfig } from './config.ts';
import { createSwitchyard, type Switchyard } from './app.ts';
import { createLogger, type Logger } from './logger.ts';
import { version } from './version.ts';

const SHUTDOWN_BUDGET_MS = 5000;

async function main(): Promise<void> {
  const dev = process.argv.includes('--dev');
  // --no-ui: API, websockets and (later) the engine without Next.js — for worker processes
  // and for tests that need the real process but not the pages.
  const ui = !process.argv.includes('--no-ui');
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  const config = loadConfig(process.env, { dev });
  const log = createLogger(config.logLevel);

  // Signals are handled from the first moment, so a stop during start-up is clean too.
  const running: { app?: Switchyard } = {};
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received, shutting down`);
    shutDown(running.app, log).then(
      () => { log.info('shutdown complete'); process.exit(0); },
      (err: unknown) => { log.error('shutdown failed', { error: err }); process.exit(1); },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const app = (running.app = await createSwitchyard(config, { log, ui }));
  if (stopping) return; // the signal handler is already closing it
  const { url } = await app.listen();
  log.info(`Switchyard ${version} ready on ${url}`, {
    mode: dev ? 'development' : 'production',
    database: config.database.provider,
    dataDir: config.dataDir,
  });
}

function shutDown(app: Switchyard | undefined, log: Logger): Promise<void> {
  const force = setTimeout(() => {
    log.error(`shutdown took longer than ${SHUTDOWN_BUDGET_MS} ms, exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_BUDGET_MS);
  force.unref();
  return app ? app.close() : Promise.resolve();
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Switchyard failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  }
  process.exit(1);
});
