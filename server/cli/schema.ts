import { workflowJsonSchema } from '../../engine/format/json-schema.ts';
import { nodeRegistry } from '../../nodes/registry.generated.ts';
import type { CliIo } from './io.ts';

export function runSchema(_args: string[], io: CliIo): number {
  io.out(JSON.stringify(workflowJsonSchema(nodeRegistry), null, 2) + '\n');
  return 0;
}
