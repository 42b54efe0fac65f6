// GET /schema/workflow.v1.json — the workflow format's JSON Schema, for editors outside the
// app (VS Code's YAML extension: `# yaml-language-server: $schema=<url>`). The file is
// generated from the zod schemas into public/schema/ and committed; it is read once.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

export const schemaFile = path.resolve(import.meta.dirname, '../../public/schema/workflow.v1.json');

export function createSchemaHandler(file = schemaFile) {
  const body = readFileSync(file);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/schema+json; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
