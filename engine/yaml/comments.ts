// Comments ↔ notes. Which comments survive a load/save cycle (for docs/format.md):
//
// KEPT: each becomes a note and is written back as `# ` lines right above the same element.
//   - Comments at the top of the file, before the first key (also before a `---` line):
//     the file header, kept as notes.apiVersion (apiVersion is always written first).
//   - Comments directly above a top-level key (`steps:`, `layout:`, …): notes[key].
//   - Comments directly above a step list item (`- id: …`), in `steps:` and in the body of
//     a loop at any depth: the step's `note`.
//   - Comments directly above a trigger list item: the trigger's `note`.
//   "Directly above" means the run of whole-line comments ending on the line before the
//   element, not indented deeper than the element (a deeper comment closes the block above
//   it and ends the run). Blank lines inside the run become empty note lines; blank lines
//   around it are dropped.
//
// NOT KEPT (normalised away on save):
//   - comments at the end of a line (`timeout: 10m  # why`);
//   - comments inside values: within with:, vars:, inputs:, retry:, concurrency:, layout:,
//     within a step above any of its keys, above a loop body's own `steps:` key, above
//     items of other lists (needs, tags, phases);
//   - comments indented deeper than the next element (the tail of a nested block);
//   - comments inside flow collections ([…], {…}) and after the last element of the file.
//
// Note text: one space after `#` is dropped on read and added on write; an empty note line
// is written as a bare `#` so that a note keeps its blank lines; lines keep any further
// leading and trailing spaces. An explicit `note:` (or `notes:`) key in the file wins over a
// comment. The yaml package's own comment attachment is not used: it hands a comment that
// follows a nested block to that block's last item rather than to the key below it, so
// `# about layout` after the steps would end up as a trailing comment of the last step.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type YAMLMap } from 'yaml';
import { TOP_LEVEL_KEYS } from '../format/schema.ts';

const TOP_LEVEL = new Set<string>(TOP_LEVEL_KEYS);

interface Source { text: string; lineCounter: LineCounter; commentOffsets: readonly number[] }

interface CommentLine { column: number; text: string }

/** Turns comments into notes on `data` (the plain value of `doc`), unless a note key is set. */
export function attachNotes(doc: Document, data: unknown, source: Source): void {
  if (!isMap(doc.contents) || !isRecord(data)) return;
  const reader = new NoteReader(source);
  const notes: Record<string, string> = {};
  doc.contents.items.forEach((pair, index) => {
    if (!isScalar(pair.key) || pair.key.range == null) return;
    const key = String(pair.key.value);
    if (index === 0) {
      // The file header is the run above the first key, whichever key that is.
      const header = reader.above(pair.key.range[0], true);
      if (header !== undefined) notes.apiVersion = header;
    } else if (TOP_LEVEL.has(key)) {
      const own = reader.above(pair.key.range[0], false);
      if (own !== undefined) notes[key] = key === 'apiVersion' ? join(notes.apiVersion, own) : own;
    }
  });
  const explicit = data.notes;
  if (explicit === undefined && Object.keys(notes).length) data.notes = notes;
  else if (isRecord(explicit)) for (const [key, note] of Object.entries(notes)) if (!Object.hasOwn(explicit, key)) explicit[key] = note;
  attachItemNotes(reader, doc.contents, 'triggers', data.triggers, false);
  attachItemNotes(reader, doc.contents, 'steps', data.steps, true);
}

function join(first: string | undefined, second: string | undefined): string {
  return [first, second].filter((s) => s !== undefined).join('\n');
}

function attachItemNotes(reader: NoteReader, map: YAMLMap, key: string, items: unknown, nested: boolean): void {
  const seq = map.get(key, true);
  if (!isSeq(seq) || !Array.isArray(items)) return;
  seq.items.forEach((node, i) => {
    const item: unknown = items[i];
    // An alias item shares its object with the anchor's item; notes go on the anchor only.
    if (isAlias(node) || !isMap(node) || !isRecord(item) || node.range == null) return;
    const note = reader.aboveItem(node.range[0]);
    if (note !== undefined && !Object.hasOwn(item, 'note')) item.note = note;
    if (nested) attachItemNotes(reader, node, 'steps', item.steps, true);
  });
}

class NoteReader {
  private readonly comments = new Map<number, CommentLine>();

  constructor(private readonly source: Source) {
    for (const offset of source.commentOffsets) {
      const { line, col } = source.lineCounter.linePos(offset);
      const start = this.lineStart(line);
      // Only whole-line comments can be notes; `key: value # why` is not one.
      if (start === undefined || !/^[ \t]*$/.test(source.text.slice(start, offset))) continue;
      const text = this.lineText(line).slice(offset - start + 1);
      this.comments.set(line, { column: col, text: text.startsWith(' ') ? text.slice(1) : text });
    }
  }

  /** The note above the element starting at `offset`; undefined when there is none. */
  above(offset: number, header: boolean): string | undefined {
    const { line, col } = this.source.lineCounter.linePos(offset);
    const start = this.lineStart(line);
    if (start === undefined || !/^[ \t]*$/.test(this.source.text.slice(start, offset))) return undefined;
    return this.runAbove(line, col, header);
  }

  /** Like above(), for a list item: the element is its `-`, which may sit on the line before. */
  aboveItem(offset: number): string | undefined {
    const { line } = this.source.lineCounter.linePos(offset);
    const start = this.lineStart(line);
    if (start === undefined) return undefined;
    const prefix = this.source.text.slice(start, offset);
    if (/^[ \t]*-[ \t]+$/.test(prefix)) return this.runAbove(line, prefix.indexOf('-') + 1, false);
    if (!/^[ \t]*$/.test(prefix)) return undefined; // `steps: [{…` or `- - …`: not an item line
    const previous = line > 1 ? this.lineText(line - 1) : '';
    const dash = /^([ \t]*)-[ \t]*$/.exec(previous);
    if (dash && !this.comments.has(line - 1)) return this.runAbove(line - 1, (dash[1] ?? '').length + 1, false);
    return this.runAbove(line, prefix.length + 1, false);
  }

  private runAbove(line: number, column: number, header: boolean): string | undefined {
    const lines: (string | null)[] = []; // null: a blank source line
    for (let n = line - 1; n >= 1; n--) {
      const comment = this.comments.get(n);
      if (comment) {
        if (!header && comment.column > column) break;
        lines.push(comment.text);
        continue;
      }
      const text = this.lineText(n);
      if (/^[ \t]*$/.test(text)) lines.push(null);
      else if (!(header && /^(---|%)/.test(text))) break;
    }
    // Collected bottom-up; trim blank lines at both ends by index (a file may hold a
    // million blank lines, and Array.shift in a loop would be quadratic).
    let first = lines.length - 1;
    while (first >= 0 && lines[first] === null) first--;
    let last = 0;
    while (last <= first && lines[last] === null) last++;
    if (first < last) return undefined;
    return lines.slice(last, first + 1).reverse().map((l) => l ?? '').join('\n');
  }

  private lineStart(line: number): number | undefined {
    return this.source.lineCounter.lineStarts[line - 1];
  }

  private lineText(line: number): string {
    const start = this.lineStart(line) ?? 0;
    const end = this.lineStart(line + 1) ?? this.source.text.length;
    return this.source.text.slice(start, end).replace(/\r?\n$/, '');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The yaml package's comment text for a note: each line after `#`; empty lines as a bare `#`. */
export function noteToComment(note: string): string {
  return note.split(/\r\n|\r|\n/).map((line) => ` ${line}`).join('\n');
}
