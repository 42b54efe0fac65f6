import type { NodeData, NodeRegistry } from '../../engine/nodes/define-node.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Health } from '../http/health.ts';
import type { Logger } from '../logger.ts';
import type { RunService } from '../engine/run-service.ts';
import type { JournalStore } from '../engine/journal-types.ts';
import type { WorkflowStore } from '../workflows/store.ts';
import type { VersionStore } from '../workflows/versions.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Accounts } from '../auth/accounts.ts';

/** What every procedure may use. Built once per server; requests share it. */
export interface ServerContext {
  db: Db;
  config: Config;
  log: Logger;
  health: () => Promise<Health>;
  registry: NodeRegistry;
  /** The registry as plain data, computed once. */
  nodeData: NodeData[];
  workflows: WorkflowStore;
  versions: VersionStore;
  runs: RunService;
  journal: JournalStore;
  secrets: SecretStore;
  audit: AuditLog;
  accounts: Accounts;
}

/** Who is asking: set per HTTP request (absent for in-process callers). */
export interface RequestInfo {
  ip?: string;
  userAgent?: string;
  /** The session cookie's token, if the request has one. */
  sessionToken?: string;
  /** An `Authorization: Bearer` token, if any. */
  bearerToken?: string;
  /** Whether cookies must be marked Secure (the server is reached over https). */
  secure: boolean;
  /** Adds a Set-Cookie header to the response. */
  setCookie(cookie: string): void;
}

export type Context = ServerContext & { request?: RequestInfo };
