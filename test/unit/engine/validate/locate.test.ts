// Positions: with a locate function, every diagnostic gets the line/column of its path (or of
// the nearest ancestor present in the text), refined by the error offset inside a string.
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { DocPath } from '../../../../engine/diagnostics.ts';
import { workflowSchema } from '../../../../engine/format/schema.ts';
import { validateWorkflow } from '../../../../engine/validate/index.ts';
import { registry } from './fixtures.ts';

/** A minimal YAML locator: where the value at `path` starts (1-based). */
function load(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const locate = (path: DocPath) => {
    let node: unknown = doc.contents;
    for (const key of path) {
      if (isMap(node)) node = node.get(key, true);
      else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
      else return undefined;
    }
    const range = (node as Node | undefined)?.range;
    if (!range || !(isScalar(node) || isMap(node) || isSeq(node))) return undefined;
    const { line, col } = lineCounter.linePos(range[0]);
    return { line, column: col };
  };
  return { workflow: workflowSchema.parse(doc.toJS()), locate };
}

const yaml = `apiVersion: switchyard/v1
id: t
name: T
steps:
  - id: a
    type: script
    if: true && foo.bar
    with:
      run: echo \${{ nope.x }}
  - id: b
    type: script
    needs: [ghost]
    with: {}
`;

describe('locations', () => {
  const { workflow, locate } = load(yaml);
  const ds = validateWorkflow(workflow, { registry, locate });
  const byCode = (code: string) => ds.filter((d) => d.code === code);

  it('points at the offending token inside an expression (value column + offset)', () => {
    const [ifError, runError] = byCode('EXPR_UNKNOWN_IDENTIFIER');
    expect(ifError).toMatchObject({ path: ['steps', 0, 'if'], line: 7, column: 9 + 'true && '.length });
    expect(runError).toMatchObject({ path: ['steps', 0, 'with', 'run'], line: 9, column: 12 + 'echo ${{ '.length });
  });

  it('points at list entries', () => {
    expect(byCode('UNKNOWN_DEPENDENCY')[0]).toMatchObject({ path: ['steps', 1, 'needs', 0], line: 12, column: 13 });
  });

  it('falls back to the nearest ancestor for a missing key', () => {
    expect(byCode('INVALID_CONFIG')[0]).toMatchObject({ path: ['steps', 1, 'with', 'run'], line: 13, column: 11 });
  });

  it('leaves positions out without locate', () => {
    const plain = validateWorkflow(workflow, { registry });
    expect(plain.length).toBe(ds.length);
    expect(plain.every((d) => d.line === undefined && d.column === undefined)).toBe(true);
  });
});
