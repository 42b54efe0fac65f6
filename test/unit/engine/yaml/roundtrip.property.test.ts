import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, visit, type Node, type Scalar } from 'yaml';
import { workflowSchema, type Workflow } from '../../../../engine/format/schema.ts';
import { parseWorkflowYaml, stringifyWorkflow } from '../../../../engine/yaml/index.ts';
import { arbitraryWorkflow } from '../../../helpers/arbitrary-workflow.ts';

// PROPERTY_RUNS=20000 for a longer hunt; the default keeps the suite fast.
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };
const TIMEOUT = 30_000 * Math.max(1, RUNS.numRuns / 200);

function parsedOk(text: string): Workflow {
  const result = parseWorkflowYaml(text);
  expect(result.diagnostics).toEqual([]);
  expect(result.workflow).toBeDefined();
  return result.workflow as Workflow;
}

/**
 * Rewrites canonical text the way people and other tools write YAML, without changing its
 * meaning: keys of the schema's own objects in another order, flow collections, other
 * quoting styles, inline comments and comments inside values. Deterministic per seed.
 */
function messUp(text: string, seed: number): string {
  let state = seed >>> 0 || 1;
  const random = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const doc = parseDocument(text);
  const reorder = (node: unknown): void => {
    if (!isMap(node)) return;
    for (let i = node.items.length - 1; i > 0; i--) {
      const j = random(i + 1);
      [node.items[i], node.items[j]] = [node.items[j]!, node.items[i]!];
    }
  };
  const root = doc.contents;
  if (!isMap(root)) return text;
  reorder(root);
  const steps = (seq: unknown): void => {
    if (!isSeq(seq)) return;
    for (const step of seq.items) {
      reorder(step);
      if (isMap(step)) { reorder(step.get('retry', true)); steps(step.get('steps', true)); }
    }
  };
  steps(root.get('steps', true));
  const triggers = root.get('triggers', true);
  if (isSeq(triggers)) triggers.items.forEach(reorder);
  reorder(root.get('concurrency', true));
  reorder(root.get('layout', true));

  visit(doc, {
    Scalar(key, node: Scalar) {
      if (typeof node.value === 'string' && key !== 'key') {
        // The yaml package writes lines ending in spaces into block literals, which lose them
        // (its default for multi-line text, and its fallback from PLAIN): quote those.
        const literalOk = /\S/.test(node.value) && !/[ \t]$/m.test(node.value);
        node.type = literalOk
          ? (['PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE', 'BLOCK_LITERAL', undefined] as const)[random(5)]
          : (['QUOTE_SINGLE', 'QUOTE_DOUBLE'] as const)[random(2)];
      }
      if (key === 'value' && random(6) === 0) node.comment = ' inline comment # with a hash';
    },
    Map(_key, node) {
      if (random(8) === 0 && !hasComments(node)) node.flow = true;
      const first = node.items[0];
      // A comment inside a mapping that is not a step or the top level is not a note.
      if (!node.flow && isScalar(first?.key) && ['run', 'url', 'x', 'attempts', 'group'].includes(String(first.key.value))) first.key.commentBefore = ' inside a value';
    },
    Seq(_key, node) {
      if (random(4) === 0 && !hasComments(node)) node.flow = !node.flow;
    },
  });
  return doc.toString({ lineWidth: random(2) ? 0 : 40 });
}

function hasComments(node: Node): boolean {
  let found = false;
  visit(node, { Node(_key, n) { if (n.commentBefore || n.comment) { found = true; return visit.BREAK; } return undefined; } });
  return found;
}

const withoutTopLevelNotes = (w: Workflow): Workflow => {
  const { notes: _notes, ...rest } = w;
  return rest;
};

describe('YAML round trip (property)', () => {
  it('the arbitrary only makes valid workflows', () => {
    fc.assert(fc.property(arbitraryWorkflow, (w) => {
      expect(workflowSchema.parse(w)).toStrictEqual(w);
    }), RUNS);
  }, TIMEOUT);

  it('(a) parse(stringify(w)) is w, with no diagnostics', () => {
    fc.assert(fc.property(arbitraryWorkflow, (w) => {
      expect(parsedOk(stringifyWorkflow(w))).toStrictEqual(w);
    }), RUNS);
  }, TIMEOUT);

  it('(b) stringify is stable: stringify(parse(stringify(w))) is the same text', () => {
    fc.assert(fc.property(arbitraryWorkflow, (w) => {
      const text = stringifyWorkflow(w);
      expect(stringifyWorkflow(parsedOk(text))).toBe(text);
    }), RUNS);
  }, TIMEOUT);

  it('(c) messy but equivalent YAML reads as the same workflow, and one round reaches the fixed point', () => {
    fc.assert(fc.property(arbitraryWorkflow, fc.integer(), (w, seed) => {
      const messy = messUp(stringifyWorkflow(w), seed);
      const read = parsedOk(messy);
      // Step and trigger notes stay on their items; top-level ones follow the keys around,
      // and whichever key ends up first takes the file header.
      expect(withoutTopLevelNotes(read)).toStrictEqual(withoutTopLevelNotes(w));
      const once = stringifyWorkflow(read);
      expect(stringifyWorkflow(parsedOk(once))).toBe(once);
    }), { numRuns: Math.round(RUNS.numRuns * 0.75) });
  }, TIMEOUT);
});
