// examples/ is the template gallery: every file must load without a single diagnostic, be
// in canonical form, and validate against the published JSON Schema with a standard
// validator (what VS Code's YAML extension does with it).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadWorkflowYaml } from '../../engine/workflow/load.ts';
import { stringifyWorkflow } from '../../engine/yaml/index.ts';
import { nodeRegistry } from '../../nodes/registry.generated.ts';

const root = path.resolve(import.meta.dirname, '../..');
const files = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.yaml')).sort();
const schema = JSON.parse(readFileSync(path.join(root, 'public/schema/workflow.v1.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validateSchema = ajv.compile(schema);

describe('examples', () => {
  it('cover the constructs the format promises', () => {
    expect(files).toEqual([
      'ai-feature-pipeline.yaml', 'build-test-deploy.yaml', 'deploy-with-approval.yaml', 'hotfix-fast-path.yaml',
      'nightly-report.yaml', 'saga-booking.yaml', 'webhook-check.yaml',
    ]);
  });

  describe.each(files)('%s', (file) => {
    const text = readFileSync(path.join(root, 'examples', file), 'utf8');

    it('loads with no diagnostics at all', () => {
      const loaded = loadWorkflowYaml(text, nodeRegistry);
      expect(loaded.diagnostics).toEqual([]);
      expect(loaded.workflow?.id).toBe(file.replace(/\.yaml$/, ''));
    });

    it('is in canonical form', () => {
      expect(stringifyWorkflow(loadWorkflowYaml(text, nodeRegistry).workflow!)).toBe(text);
    });

    it('validates against public/schema/workflow.v1.json', () => {
      const ok = validateSchema(parseYaml(text));
      expect(validateSchema.errors ?? [], JSON.stringify(validateSchema.errors?.slice(0, 3))).toEqual([]);
      expect(ok).toBe(true);
    });
  });
});
