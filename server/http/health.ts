// GET /api/health — for load balancers, uptime checks and the status page.
// 200 when the database answers, 503 otherwise; never cached.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDatabaseReachable, type Db } from '../db/client.ts';
import type { DatabaseConfig } from '../config.ts';
import { version } from '../version.ts';

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  database: { provider: DatabaseConfig['provider']; reachable: boolean };
}

export function createHealthCheck(db: Db, database: DatabaseConfig, startedAt = Date.now()) {
  return async (): Promise<Health> => {
    const reachable = await isDatabaseReachable(db);
    return {
      status: reachable ? 'ok' : 'degraded',
      version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      database: { provider: database.provider, reachable },
    };
  };
}

export function createHealthHandler(check: () => Promise<Health>) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const health = await check();
    res.writeHead(health.status === 'ok' ? 200 : 503, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(health));
  };
}
