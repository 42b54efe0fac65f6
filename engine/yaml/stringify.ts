// Workflow → canonical YAML text. Stable: the same workflow always gives the same bytes, and
// parse → stringify of that text gives it back unchanged. Decisions, for docs/format.md:
//   - key order: see order.ts; `notes`/`note` are never keys but `# ` comments above their
//     element (comments.ts); empty notes are not written;
//   - block style throughout, except: a list of scalars (single-line text, numbers, true/
//     false, null) that fits in about 60 characters is one flow line wherever it is —
//     `needs: [build, check.true]`, `tags: [ci]`, `expect_status: [200]` — and layout
//     positions are flow maps (`build: {x: 0, y: 120}`) so each position is one diff line;
//   - strings are plain unless YAML 1.2 or YAML 1.1 would read them as something else
//     ("yes", "on", "null", "1.0", "0x1F", "2024-01-01", " x ", "#x", "a: b", …), which are
//     double-quoted. Multi-line strings are block literals (`|`, with the chomping and
//     indentation indicators they need), except ones a literal cannot hold faithfully
//     (control characters, \r, a line ending in a space or tab), which are double-quoted
//     with escapes. Keys are quoted only where YAML 1.2 needs it (so `y:` in layout stays
//     plain), and `<<`, a merge key to 1.1 readers;
//   - no line folding (lineWidth 0), two-space indent, list items indented under their key.
import { Document, isMap, isScalar, isSeq, Schema, visit, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Step, Trigger, Workflow } from '../format/schema.ts';
import { noteToComment } from './comments.ts';
import { canonicalOrder } from './order.ts';

const TO_STRING = { lineWidth: 0, minContentWidth: 0, blockQuote: 'literal', indent: 2, indentSeq: true, flowCollectionPadding: false } as const;

// The yaml package's own YAML 1.1 resolvers (bools such as yes/on/y, sexagesimal numbers,
// timestamps, 0b/0o forms): a plain scalar they would not read as text gets quoted, so the
// file means the same to 1.1 readers (PyYAML, older tools) as it does to us.
const YAML_11_TESTS = new Schema({ schema: 'yaml-1.1' }).tags.flatMap((tag) =>
  tag.default === true && tag.tag !== 'tag:yaml.org,2002:str' && 'test' in tag && tag.test instanceof RegExp ? [tag.test] : [],
);

export function stringifyWorkflow(workflow: Workflow): string {
  const doc = new Document(canonicalOrder(workflow), { aliasDuplicateObjects: false, version: '1.2', schema: 'core' });
  const root = doc.contents;
  if (!isMap(root)) return doc.toString(TO_STRING);

  for (const pair of root.items) {
    const note = isScalar(pair.key) ? workflow.notes?.[String(pair.key.value) as keyof NonNullable<Workflow['notes']>] : undefined;
    if (note && isScalar(pair.key)) pair.key.commentBefore = noteToComment(note);
  }
  decorateItems(root, 'steps', workflow.steps);
  decorateItems(root, 'triggers', workflow.triggers ?? []);
  const layout = root.get('layout', true);
  if (isMap(layout)) {
    setFlow(layout.get('viewport', true));
    const nodes = layout.get('nodes', true);
    if (isMap(nodes)) for (const pair of nodes.items) setFlow(pair.value);
  }
  styleScalars(doc);
  return doc.toString(TO_STRING);
}

/** Notes of steps (loop bodies included) and triggers, as comments above their items. */
function decorateItems(map: YAMLMap, key: string, items: readonly (Step | Trigger)[]): void {
  const seq = map.get(key, true);
  if (!isSeq(seq)) return;
  seq.items.forEach((node, i) => {
    const item = items[i];
    if (!isMap(node) || !item) return;
    if (item.note) node.commentBefore = noteToComment(item.note);
    if ('steps' in item && item.steps) decorateItems(node, 'steps', item.steps);
  });
}

const FLOW_WIDTH = 60;

function fitsOneLine(seq: YAMLSeq): boolean {
  let width = 0;
  for (const item of seq.items) {
    if (!isScalar(item)) return false;
    const v = item.value;
    if (typeof v === 'string' ? /[\r\n]/.test(v) : v !== null && typeof v !== 'number' && typeof v !== 'boolean') return false;
    width += (typeof v === 'string' ? JSON.stringify(v).length : String(v).length) + 2;
  }
  return seq.items.length > 0 && width <= FLOW_WIDTH;
}

function setFlow(node: unknown): void {
  if (isMap(node)) node.flow = true;
}

// A block literal loses a line of only spaces (the yaml package writes " \n" as `|+` with a
// blank line, read back as "\n"), and trailing spaces vanish in editors that trim lines.
// Such multi-line strings are double-quoted instead, where every space is explicit.
function literalSafe(value: string): boolean {
  return !value.includes('\n') || !/[ \t]$/m.test(value);
}

function styleScalars(doc: Document): void {
  visit(doc, {
    Seq(_key, node) {
      if (fitsOneLine(node)) node.flow = true;
    },
    Scalar(key, node: Scalar) {
      if (typeof node.value !== 'string') return;
      // `<<` is a merge key to YAML 1.1 readers; other keys stay plain (`y:`, `on:`).
      const value = node.value;
      const ambiguous = key === 'key' ? value === '<<' : YAML_11_TESTS.some((test) => test.test(value)) || !literalSafe(value);
      if (ambiguous) node.type = 'QUOTE_DOUBLE';
    },
  });
}
