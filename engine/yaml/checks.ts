// YAML-level problems: parser errors, tags, reserved keys and duplicate keys. All are found
// on the composed Document, before any JavaScript value is built from it.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLError } from 'yaml';
import type { Diagnostic, DocPath } from '../diagnostics.ts';
import { formatPath } from '../diagnostics.ts';
import { positionAt } from './locate.ts';
import { stepIdAt } from './step-id.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const SYNTAX_HINTS: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs for indentation',
  BAD_INDENT: 'items of the same mapping or list must start at the same column',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check for a missing ":" or an unclosed quote on the line above',
  BAD_SCALAR_START: 'quote the value: it starts with a character YAML reserves (` or @)',
  BAD_ALIAS: 'an alias (*name) must refer to an anchor (&name) defined above it',
  NON_STRING_KEY: 'keys must be plain text',
  BLOCK_AS_IMPLICIT_KEY: 'put the value in quotes if it contains ": " or " #"; otherwise check the indentation',
};

// After the first syntax error most of the rest are its echoes ("Unexpected scalar token"
// on every following line), so report one per line and only the first few lines.
const MAX_SYNTAX_ERRORS = 10;

/** The yaml package's own errors and warnings, as diagnostics. */
export function parserDiagnostics(doc: Document, lineCounter: LineCounter): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lines = new Set<number>();
  for (const error of doc.errors) {
    const position = positionAt(lineCounter, error.pos[0]);
    if (lines.has(position.line)) continue;
    if (lines.size === MAX_SYNTAX_ERRORS) break;
    lines.add(position.line);
    const code = error.code === 'TAG_RESOLVE_FAILED' ? 'YAML_TAG' : 'YAML_SYNTAX';
    const hint = SYNTAX_HINTS[error.code] ?? fallbackHint(error.message);
    out.push({ severity: 'error', code, message: sentence(error.message), ...(hint ? { hint } : {}), path: [], ...position });
  }
  for (const warning of doc.warnings) {
    // Unresolved tags come back as warnings; documentDiagnostics reports every tag as an error.
    if (warning.code === 'TAG_RESOLVE_FAILED') continue;
    out.push({ severity: 'warning', code: 'YAML_WARNING', message: sentence(warning.message), path: [], ...positionAt(lineCounter, warning.pos[0]) });
  }
  if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== '1.2') {
    out.push({ severity: 'warning', code: 'YAML_WARNING', message: `the %YAML ${doc.directives.yaml.version} directive is ignored: workflow files are read as YAML 1.2`, hint: 'remove it; note that yes, no, on and off are text in YAML 1.2', path: [], line: 1, column: 1 });
  }
  return out;
}

function fallbackHint(message: string): string | undefined {
  if (/closing|quote/i.test(message)) return 'a quote or bracket is not closed';
  if (/indent|indicator|column/i.test(message)) return 'check the indentation: entries of one mapping or list start at the same column';
  return undefined;
}

// Messages from the composer are already one line ("Map keys must be unique"); prettyErrors
// would append a code frame, which editors draw themselves from line and column.
function sentence(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

interface Visit { node: Node; path: DocPath }

/**
 * Tags, reserved keys and duplicate keys, in one walk. Aliases are not followed (their
 * anchors are visited where they are defined), so an alias bomb costs nothing here.
 * Duplicate keys are checked here rather than by the yaml package's `uniqueKeys`, which
 * compares every key with every earlier one: quadratic, and seconds for a 300 KB mapping.
 */
export function documentDiagnostics(doc: Document, lineCounter: LineCounter, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (node: Node, path: DocPath, code: string, message: string, hint: string, offset = node.range?.[0] ?? 0): void => {
    const stepId = stepIdAt(path, (p) => scalarAt(doc, p));
    out.push({ severity: 'error', code, message, hint, path, ...positionAt(lineCounter, offset), ...(stepId ? { stepId } : {}) });
  };
  const tagged = (node: Node, path: DocPath): void => {
    if (node.tag) at(node, path, 'YAML_TAG', `${describe(path)} has the tag ${shortTag(node.tag)}; workflow files do not use YAML tags`, 'remove the tag; to keep a value as text, put it in quotes', tagOffset(text, node.range?.[0] ?? 0));
  };
  const firstAnchor = new Map<string, number>(); // name → earliest offset (names may be reused)
  const aliases: Visit[] = [];
  const stack: Visit[] = isNode(doc.contents) ? [{ node: doc.contents, path: [] }] : [];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { node, path } = next;
    if (isAlias(node)) { aliases.push(next); continue; }
    if (node.anchor) firstAnchor.set(node.anchor, Math.min(firstAnchor.get(node.anchor) ?? Infinity, node.range?.[0] ?? 0));
    tagged(node, path);
    if (isSeq(node)) node.items.forEach((item, i) => { if (isNode(item)) stack.push({ node: item, path: [...path, i] }); });
    if (!isMap(node)) continue;
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const keyPath = [...path, key];
      tagged(pair.key, keyPath);
      if (FORBIDDEN_KEYS.has(key)) {
        at(pair.key, keyPath, 'YAML_FORBIDDEN_KEY', `the key "${key}" is not allowed`, `"${key}" is reserved in JavaScript objects; rename the key`);
      }
      // YAML 1.2 has no merge keys: `<<` would silently become an ordinary key named "<<".
      if (key === '<<' && pair.key.type === 'PLAIN') at(pair.key, keyPath, 'YAML_MERGE_KEY', 'merge keys (<<) are not supported', 'write the keys out in full');
      const first = seen.get(key);
      if (first !== undefined) {
        at(pair.key, keyPath, 'YAML_DUPLICATE_KEY', `the key "${key}" appears twice in ${describe(path)} (first on line ${positionAt(lineCounter, first).line})`, 'remove one of them or rename it');
      } else seen.set(key, pair.key.range?.[0] ?? 0);
      if (isNode(pair.value)) stack.push({ node: pair.value, path: keyPath });
    }
  }
  // An alias needs an anchor of its name earlier in the file. Checked here, by offsets,
  // because Alias.resolve() walks the whole document per alias (quadratic on many aliases).
  for (const { node, path } of aliases) {
    if (!isAlias(node)) continue;
    if (!((firstAnchor.get(node.source) ?? Infinity) < (node.range?.[0] ?? 0))) {
      at(node, path, 'YAML_SYNTAX', `the alias *${node.source} refers to no anchor &${node.source} above it`, 'define the anchor (&name) before using the alias (*name)');
    }
  }
  return out;
}

/**
 * Where the tag of the node starting at `start` is written: nodes' ranges begin after their
 * properties, so step back over whitespace and an anchor (`!tag &anchor value`).
 */
function tagOffset(text: string, start: number): number {
  let i = start - 1;
  for (let token = 0; token < 2; token++) {
    while (i >= 0 && /\s/.test(text.charAt(i))) i--;
    const end = i + 1;
    while (i >= 0 && !/\s/.test(text.charAt(i))) i--;
    const first = text.charAt(i + 1);
    if (first === '!') return i + 1;
    if (first !== '&' || end === i + 1) break;
  }
  return start;
}

function describe(path: DocPath): string {
  return path.length ? formatPath(path) : 'the top level';
}

function shortTag(tag: string): string {
  return tag.replace(/^tag:yaml\.org,2002:/, '!!');
}

function scalarAt(doc: Document, path: DocPath): unknown {
  const node = doc.getIn(path, true);
  return isScalar(node) ? node.value : undefined;
}
