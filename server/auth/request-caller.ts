// Who sends a raw HTTP request or websocket upgrade (outside tRPC): an API token in
// `Authorization: Bearer`, else the session cookie.
import type { IncomingMessage } from 'node:http';
import type { Accounts, Caller } from './accounts.ts';
import { bearerOf, readCookie, SESSION_COOKIE } from './cookies.ts';

export async function callerOfRequest(accounts: Accounts, req: IncomingMessage): Promise<Caller | undefined> {
  return (await accounts.apiToken(bearerOf(req.headers.authorization))) ?? (await accounts.session(readCookie(req.headers.cookie, SESSION_COOKIE)));
}
