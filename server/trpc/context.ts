import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Health } from '../http/health.ts';
import type { Logger } from '../logger.ts';

/** What every procedure may use. Built once per server; requests share it. */
export interface ServerContext {
  db: Db;
  config: Config;
  log: Logger;
  health: () => Promise<Health>;
}

export type Context = ServerContext;
