// docs/format.md is the users' reference: its generated tables must match the code, and its
// example workflow must be valid.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadWorkflowYaml } from '../../engine/workflow/load.ts';
import { nodeRegistry } from '../../nodes/registry.generated.ts';
import { expectedFormatDoc, formatDocPath } from '../../scripts/gen-format-docs.ts';

const doc = readFileSync(formatDocPath, 'utf8');

it('docs/format.md tables of node types and diagnostic codes are current', () => {
  expect(doc, 'run npm run docs:generate').toBe(expectedFormatDoc(doc));
});

it('the whole-file example in docs/format.md is a valid workflow', () => {
  const block = /## A whole file\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  expect(block).toBeDefined();
  const loaded = loadWorkflowYaml(block!, nodeRegistry);
  expect(loaded.diagnostics).toEqual([]);
});
