// The YAML example in each node's docs is what people copy, so it must be valid: every step
// in it passes the step schema and its node type's config, and the whole example passes the
// published JSON Schema. The canvas summary renders on it.
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../engine/expressions/index.ts';
import { workflowJsonSchema } from '../../../engine/format/json-schema.ts';
import { stepSchema, type Step } from '../../../engine/format/schema.ts';
import { nodeRegistry } from '../../../nodes/registry.generated.ts';

const yamlBlocks = (markdown: string) => [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

function* allSteps(steps: Step[]): Generator<Step> {
  for (const s of steps) { yield s; yield* allSteps(s.steps ?? []); }
}

const validateWorkflow = new Ajv2020({ strict: false, allErrors: true }).compile(workflowJsonSchema(nodeRegistry));

const examples = (docs: string) => yamlBlocks(docs).map((block) => stepSchema.array().parse(parse(block)));

describe.each(nodeRegistry.list().map((d) => ({ type: d.type, docs: d.docs })))('nodes/$type docs', ({ type, docs }) => {
  it('has a YAML example of a list of valid steps, one of them of this type', () => {
    expect(yamlBlocks(docs).length).toBeGreaterThan(0);
    for (const steps of examples(docs)) {
      expect([...allSteps(steps)].some((s) => s.type === type)).toBe(true);
      for (const step of allSteps(steps)) {
        const def = nodeRegistry.get(step.type);
        expect(def, `unknown node type ${step.type}`).toBeDefined();
        const config = def!.config.safeParse(step.with ?? {});
        expect(config.error?.issues ?? [], `${type} docs, step ${step.id}`).toEqual([]);
      }
      const workflow = { apiVersion: 'switchyard/v1', id: 'docs-example', name: 'Docs example', steps };
      expect(validateWorkflow(workflow), JSON.stringify(validateWorkflow.errors)).toBe(true);
    }
  });

  it('renders its summary on the example config', () => {
    const def = nodeRegistry.get(type)!;
    if (!def.summary) return;
    const step = examples(docs).flatMap((steps) => [...allSteps(steps)]).find((s) => s.type === type)!;
    const rendered = renderTemplate(def.summary, { config: def.config.parse(step.with ?? {}) }, { roots: ['config'] });
    expect(rendered.ok && rendered.value.trim().length > 0, JSON.stringify(rendered)).toBe(true);
  });
});
