// A small linear-time regular-expression matcher for CEL's `s.matches(pattern)`.
//
// Why: cel-js implements matches() with JavaScript's backtracking RegExp, and one regex call
// cannot be interrupted by the step/time budget — `(a+)+$` (exponential) or `.*a.*b.*c$`
// (polynomial) on a webhook body would hang the worker. CEL specifies RE2, i.e. linear time.
// This matcher compiles a pattern to an NFA program and simulates it (Pike VM without captures),
// so matching costs O(subject length × program size) whatever the pattern.
//
// Supported (with JavaScript semantics on UTF-16 code units, no flags): literals, `.` (not line
// terminators), classes `[a-z]`, `[^…]`, escapes \d \D \w \W \s \S \b \B \t \n \r \v \f \0
// \xHH \uHHHH and escaped punctuation, anchors `^` `$` (whole input), groups `( )`, `(?: )`,
// `(?<name> )`, alternation `|`, quantifiers `* + ? {n} {n,} {n,m}` and their lazy forms (which
// do not change a yes/no answer). Refused with a clear message: backreferences, lookaround,
// inline flags, \p{…}, \c, and unknown letter escapes. Like RegExp#test, a match may start
// anywhere unless anchored.

type Range = readonly [number, number];

/** A set of UTF-16 code units: union of ranges, optionally negated. */
interface CharSet {
  ranges: Range[];
  negate: boolean;
}

/** A class is a union of sets (so `[\D\s]` works), optionally negated. */
interface CharClass {
  parts: CharSet[];
  negate: boolean;
}

type Node =
  | { t: 'empty' }
  | { t: 'char'; cls: CharClass }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number }
  | { t: 'assert'; kind: Assertion };

type Assertion = 'bol' | 'eol' | 'wordb' | 'nwordb';

type Inst = { op: 'char'; cls: CharClass } | { op: 'split'; x: number; y: number } | { op: 'jmp'; x: number } | { op: 'assert'; kind: Assertion } | { op: 'match' };

export interface CompiledRegex {
  readonly source: string;
  readonly size: number;
  test(subject: string): boolean;
}

export class RegexError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
    this.name = 'RegexError';
  }
}

export const MAX_PROGRAM_SIZE = 5_000;

const DIGIT: Range[] = [[48, 57]];
const WORD: Range[] = [[48, 57], [65, 90], [95, 95], [97, 122]];
const SPACE: Range[] = [
  [9, 13], [32, 32], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029],
  [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
const LINE_TERMINATORS: Range[] = [[10, 10], [13, 13], [0x2028, 0x2029]];

const single = (c: number): CharSet => ({ ranges: [[c, c]], negate: false });
const klass = (...parts: CharSet[]): CharClass => ({ parts, negate: false });

function inSet(set: CharSet, c: number): boolean {
  let hit = false;
  for (const [lo, hi] of set.ranges) {
    if (c >= lo && c <= hi) {
      hit = true;
      break;
    }
  }
  return hit !== set.negate;
}

function inClass(cls: CharClass, c: number): boolean {
  let hit = false;
  for (const part of cls.parts) {
    if (inSet(part, c)) {
      hit = true;
      break;
    }
  }
  return hit !== cls.negate;
}

function isWordChar(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  const c = s.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95 || (c >= 97 && c <= 122);
}

class Parser {
  i = 0;
  constructor(readonly p: string) {}

  fail(message: string, at = this.i): never {
    throw new RegexError(message, at);
  }

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.p.length) this.fail(this.p[this.i] === ')' ? "unmatched ')'" : `unexpected '${this.p[this.i]}'`);
    return node;
  }

  alternation(): Node {
    const items = [this.sequence()];
    while (this.p[this.i] === '|') {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      const atomStart = this.i;
      const atom = this.atom();
      const q = this.quantifier();
      if (q) {
        // `^*` and `\b+` are errors in JavaScript, a quantified group of assertions is not.
        if (atom.t === 'assert' && this.p[atomStart] !== '(') this.fail('nothing to repeat', atomStart);
        items.push({ t: 'rep', node: atom, min: q.min, max: q.max });
      } else items.push(atom);
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? items[0]! : { t: 'cat', items };
  }

  quantifier(): { min: number; max: number } | undefined {
    const c = this.p[this.i];
    let q: { min: number; max: number } | undefined;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q) this.i++;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.i, this.i + 24));
      if (!m) return undefined; // a literal '{', as in JavaScript
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) this.fail('numbers out of order in {} quantifier');
      if (min > 1000 || (max !== Infinity && max > 1000)) this.fail('repetition counts above 1000 are not supported');
      q = { min, max };
      this.i += m[0].length;
    }
    if (!q) return undefined;
    if (this.p[this.i] === '?') this.i++; // lazy: same yes/no answer
    const next = this.p[this.i];
    if (next === '*' || next === '+' || next === '?' || (next === '{' && /^\{\d+(,\d*)?\}/.test(this.p.slice(this.i, this.i + 24)))) this.fail('nothing to repeat');
    return q;
  }

  atom(): Node {
    const c = this.p[this.i]!;
    switch (c) {
      case '^':
        this.i++;
        return { t: 'assert', kind: 'bol' };
      case '$':
        this.i++;
        return { t: 'assert', kind: 'eol' };
      case '.':
        this.i++;
        return { t: 'char', cls: klass({ ranges: LINE_TERMINATORS, negate: true }) };
      case '(':
        return this.group();
      case '[':
        return { t: 'char', cls: this.charClass() };
      case '\\':
        return this.escapeAtom();
      case '*':
      case '+':
      case '?':
        return this.fail('nothing to repeat');
      default:
        this.i++;
        return { t: 'char', cls: klass(single(c.charCodeAt(0))) };
    }
  }

  group(): Node {
    const start = this.i;
    this.i++;
    if (this.p[this.i] === '?') {
      if (this.p.startsWith('?:', this.i)) this.i += 2;
      else if (/^\?<[A-Za-z_$][A-Za-z0-9_$]*>/.test(this.p.slice(this.i))) this.i = this.p.indexOf('>', this.i) + 1;
      else if (/^\?(=|!|<=|<!)/.test(this.p.slice(this.i))) this.fail('lookahead and lookbehind are not supported', start);
      else this.fail('inline flags and other (?…) groups are not supported', start);
    }
    const inner = this.alternation();
    if (this.p[this.i] !== ')') this.fail("missing ')'", start);
    this.i++;
    return inner;
  }

  escapeAtom(): Node {
    const start = this.i;
    const next = this.p[this.i + 1];
    if (next === 'b' || next === 'B') {
      this.i += 2;
      return { t: 'assert', kind: next === 'b' ? 'wordb' : 'nwordb' };
    }
    if (next !== undefined && /[1-9]/.test(next)) this.fail('backreferences are not supported', start);
    if (next === 'k') this.fail('named backreferences are not supported', start);
    return { t: 'char', cls: klass(this.escape(false)) };
  }

  /** Parses `\…` at this.i into a set; `inClass` makes \b a backspace. */
  escape(inClass: boolean): CharSet {
    const start = this.i;
    const e = this.p[this.i + 1];
    if (e === undefined) this.fail('\\ at end of pattern', start);
    this.i += 2;
    switch (e) {
      case 'd':
        return { ranges: DIGIT, negate: false };
      case 'D':
        return { ranges: DIGIT, negate: true };
      case 'w':
        return { ranges: WORD, negate: false };
      case 'W':
        return { ranges: WORD, negate: true };
      case 's':
        return { ranges: SPACE, negate: false };
      case 'S':
        return { ranges: SPACE, negate: true };
      case 't':
        return single(9);
      case 'n':
        return single(10);
      case 'v':
        return single(11);
      case 'f':
        return single(12);
      case 'r':
        return single(13);
      case 'b':
        if (inClass) return single(8);
        break;
      case '0':
        if (!/[0-9]/.test(this.p[this.i] ?? '')) return single(0);
        break;
      case 'x': {
        const hex = /^[0-9A-Fa-f]{2}/.exec(this.p.slice(this.i));
        if (hex) {
          this.i += 2;
          return single(parseInt(hex[0], 16));
        }
        break;
      }
      case 'u': {
        const hex = /^[0-9A-Fa-f]{4}/.exec(this.p.slice(this.i));
        if (hex) {
          this.i += 4;
          return single(parseInt(hex[0], 16));
        }
        break;
      }
      default:
        if (!/[A-Za-z0-9]/.test(e)) return single(e.charCodeAt(0)); // escaped punctuation
    }
    return this.fail(`unsupported escape \\${e}`, start);
  }

  charClass(): CharClass {
    const start = this.i;
    this.i++;
    const negate = this.p[this.i] === '^';
    if (negate) this.i++;
    const parts: CharSet[] = [];
    const ranges: Range[] = [];
    // One class member: a code unit, or a set (\d…) that cannot be a range endpoint.
    const member = (): number | CharSet => {
      if (this.p[this.i] === '\\') {
        const set = this.escape(true);
        const only = set.ranges[0];
        return !set.negate && set.ranges.length === 1 && only && only[0] === only[1] ? only[0] : set;
      }
      return this.p.charCodeAt(this.i++);
    };
    while (this.i < this.p.length && this.p[this.i] !== ']') {
      const lo = member();
      if (this.p[this.i] === '-' && this.p[this.i + 1] !== ']' && this.i + 1 < this.p.length) {
        const dash = this.i;
        this.i++;
        const hi = member();
        if (typeof lo === 'number' && typeof hi === 'number') {
          if (hi < lo) this.fail('range out of order in character class', dash);
          ranges.push([lo, hi]);
          continue;
        }
        // `[\d-z]`: JavaScript treats the dash literally.
        for (const x of [lo, 45, hi]) if (typeof x === 'number') ranges.push([x, x]);
        else parts.push(x);
        continue;
      }
      if (typeof lo === 'number') ranges.push([lo, lo]);
      else parts.push(lo);
    }
    if (this.p[this.i] !== ']') this.fail("missing ']'", start);
    this.i++;
    parts.push({ ranges, negate: false });
    return { parts, negate };
  }
}

function compileNode(node: Node, prog: Inst[]): void {
  if (prog.length > MAX_PROGRAM_SIZE) throw new RegexError(`the pattern is too complex (more than ${MAX_PROGRAM_SIZE} steps when expanded)`, 0);
  switch (node.t) {
    case 'empty':
      return;
    case 'char':
      prog.push({ op: 'char', cls: node.cls });
      return;
    case 'assert':
      prog.push({ op: 'assert', kind: node.kind });
      return;
    case 'cat':
      for (const item of node.items) compileNode(item, prog);
      return;
    case 'alt': {
      // split L1, next; L1: a; jmp end; next: split L2, … ; last alternative falls through.
      const jumps: Inst[] = [];
      node.items.forEach((item, k) => {
        if (k < node.items.length - 1) {
          const split: Inst = { op: 'split', x: prog.length + 1, y: -1 };
          prog.push(split);
          compileNode(item, prog);
          const jmp: Inst = { op: 'jmp', x: -1 };
          jumps.push(jmp);
          prog.push(jmp);
          split.y = prog.length;
        } else compileNode(item, prog);
      });
      for (const j of jumps) if (j.op === 'jmp') j.x = prog.length;
      return;
    }
    case 'rep': {
      for (let k = 0; k < node.min; k++) compileNode(node.node, prog);
      if (node.max === Infinity) {
        const loop = prog.length;
        const split: Inst = { op: 'split', x: loop + 1, y: -1 };
        prog.push(split);
        compileNode(node.node, prog);
        prog.push({ op: 'jmp', x: loop });
        split.y = prog.length;
        return;
      }
      const splits: Inst[] = [];
      for (let k = node.min; k < node.max; k++) {
        const split: Inst = { op: 'split', x: prog.length + 1, y: -1 };
        splits.push(split);
        prog.push(split);
        compileNode(node.node, prog);
      }
      for (const s of splits) if (s.op === 'split') s.y = prog.length;
      return;
    }
  }
}

function holds(kind: Assertion, s: string, pos: number): boolean {
  switch (kind) {
    case 'bol':
      return pos === 0;
    case 'eol':
      return pos === s.length;
    case 'wordb':
      return isWordChar(s, pos - 1) !== isWordChar(s, pos);
    case 'nwordb':
      return isWordChar(s, pos - 1) === isWordChar(s, pos);
  }
}

/** Breadth-first NFA simulation: every program counter is visited at most once per position. */
function run(prog: readonly Inst[], s: string): boolean {
  const marks = new Int32Array(prog.length).fill(-1);
  let current: number[] = [];
  let next: number[] = [];
  const stack: number[] = [];

  // Adds pc and its epsilon closure at `pos` to `list`; returns true if `match` is reachable.
  const add = (list: number[], start: number, pos: number): boolean => {
    stack.push(start);
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (marks[pc] === pos) continue;
      marks[pc] = pos;
      const inst = prog[pc]!;
      switch (inst.op) {
        case 'match':
          stack.length = 0;
          return true;
        case 'jmp':
          stack.push(inst.x);
          break;
        case 'split':
          stack.push(inst.y, inst.x);
          break;
        case 'assert':
          if (holds(inst.kind, s, pos)) stack.push(pc + 1);
          break;
        case 'char':
          list.push(pc);
      }
    }
    return false;
  };

  for (let pos = 0; pos <= s.length; pos++) {
    if (add(current, 0, pos)) return true; // a match may start at any position
    if (pos === s.length) break;
    const c = s.charCodeAt(pos);
    for (const pc of current) {
      const inst = prog[pc]!;
      if (inst.op === 'char' && inClass(inst.cls, c) && add(next, pc + 1, pos + 1)) return true;
    }
    [current, next] = [next, current];
    next.length = 0;
  }
  return false;
}

export function compileRegex(pattern: string): CompiledRegex {
  const ast = new Parser(pattern).parse();
  // Our parser is stricter than JavaScript's; anything it accepts must also be a valid RegExp,
  // so the two agree on what a pattern means.
  try {
    new RegExp(pattern);
  } catch (e) {
    throw new RegexError((e as Error).message.replace(/^Invalid regular expression: /, ''), 0);
  }
  const prog: Inst[] = [];
  compileNode(ast, prog);
  prog.push({ op: 'match' });
  if (prog.length > MAX_PROGRAM_SIZE) throw new RegexError(`the pattern is too complex (more than ${MAX_PROGRAM_SIZE} steps when expanded)`, 0);
  return Object.freeze({ source: pattern, size: prog.length, test: (subject: string) => run(prog, subject) });
}

const cache = new Map<string, CompiledRegex>();

/** compileRegex with a small cache (patterns are usually literals, compiled again per evaluation). */
export function cachedRegex(pattern: string): CompiledRegex {
  let re = cache.get(pattern);
  if (!re) {
    re = compileRegex(pattern);
    if (cache.size >= 256) cache.delete(cache.keys().next().value!);
    cache.set(pattern, re);
  }
  return re;
}
