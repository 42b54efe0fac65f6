// From document paths to source positions. Paths are the ones diagnostics use
// (['steps', 2, 'with', 'url']); positions are 1-based line and column as editors show them.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { DocPath } from '../diagnostics.ts';

export interface Position { line: number; column: number }

/** 'value' points at the value (or list item); 'key' at the key naming it (for list items: the item). */
export type LocatePart = 'value' | 'key';

export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line: Math.max(line, 1), column: Math.max(col, 1) };
}

interface Found { node: Node | null; pair?: Pair }

/** The node at `path`, following aliases only along the path (never expanding them). */
export function findNode(doc: Document, path: DocPath): Found | undefined {
  let found: Found = { node: doc.contents as Node | null };
  for (const segment of path) {
    let node: unknown = found.node;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return undefined;
      found = { node: (pair.value as Node | null) ?? null, pair };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) return undefined;
      found = { node: item as Node | null };
    } else return undefined;
  }
  return found;
}

function startOf(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    return range ? range[0] : undefined;
  }
  return undefined;
}

// `key:` with nothing after it parses to an empty null scalar whose range sits past the
// colon; the key is the better place to point at.
function isEmptyValue(node: Node | null): boolean {
  return !node || (isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1]);
}

export function locateOffset(doc: Document, path: DocPath, part: LocatePart = 'value'): number | undefined {
  const found = findNode(doc, path);
  if (!found) return undefined;
  const keyStart = found.pair ? startOf(found.pair.key) : undefined;
  if (part === 'key' && keyStart !== undefined) return keyStart;
  if (isEmptyValue(found.node) && keyStart !== undefined) return keyStart;
  return startOf(found.node) ?? keyStart;
}

export function locateIn(doc: Document, lineCounter: LineCounter, path: DocPath, part: LocatePart = 'value'): Position | undefined {
  const offset = locateOffset(doc, path, part);
  return offset === undefined ? undefined : positionAt(lineCounter, offset);
}

/** The position of `path`, or of its closest ancestor present in the source. */
export function locateNearest(doc: Document, lineCounter: LineCounter, path: DocPath, part: LocatePart = 'value'): Position | undefined {
  for (let n = path.length; n >= 0; n--) {
    const position = locateIn(doc, lineCounter, path.slice(0, n), n === path.length ? part : 'value');
    if (position) return position;
  }
  return undefined;
}
