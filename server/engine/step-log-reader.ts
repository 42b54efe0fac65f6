// Reading a step's log file in pages by byte offset. Offsets are bytes (they match the offsets
// of the live `log` events), but a page is text: it never starts or ends inside a UTF-8
// character. An offset that lands inside one starts at the next character (the page's
// `offset` says where it really began); a page that would end inside one stops before it, and
// `nextOffset` resumes there — so reading page after page from 0 returns the file exactly.
import { open } from 'node:fs/promises';

export interface LogPage {
  text: string;
  /** Where the page starts: the asked offset, moved on to a character boundary. */
  offset: number;
  /** Where the next page starts; equal to `offset` when there is nothing more yet. */
  nextOffset: number;
  /** The file's size in bytes when it was read. */
  size: number;
  /** The stream reached its cap (STEP_LOG_MAX_BYTES): output after the marker was dropped. */
  truncated: boolean;
}

const isContinuation = (byte: number) => (byte & 0xc0) === 0x80;

/** How many bytes the character starting with `lead` takes (1 for a stray byte). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead < 0xf8) return 4;
  if (lead >= 0xe0) return lead < 0xf0 ? 3 : 1;
  if (lead >= 0xc0) return 2;
  return 1;
}

/**
 * The whole characters of `buf` within about `limit` bytes, as [start, end): `start` skips
 * the tail of a character cut off at the front; `end` stops before a character cut off at the
 * back — by the limit, or by the end of the data (a write still landing). At least one
 * character is returned when there is one, so a reader always moves on.
 */
export function utf8Window(buf: Uint8Array, limit: number): { start: number; end: number } {
  let start = 0;
  while (start < buf.length && start < 3 && isContinuation(buf[start]!)) start++;
  let end = Math.min(buf.length, start + limit);
  if (end < buf.length) {
    while (end > start && isContinuation(buf[end]!)) end--;
  } else {
    let lead = end - 1;
    while (lead > start && end - lead < 4 && isContinuation(buf[lead]!)) lead--;
    if (lead >= start && lead + sequenceLength(buf[lead]!) > end) end = lead;
  }
  if (end === start && start < buf.length) {
    const whole = start + sequenceLength(buf[start]!);
    if (whole <= buf.length) end = whole;
  }
  return { start, end };
}

/** Up to `limit` bytes of `file` from `offset`, in whole characters; a missing file is empty. */
export async function readLogPage(file: string, offset: number, limit: number, maxBytes: number): Promise<LogPage> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', offset, nextOffset: offset, size: 0, truncated: false };
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const from = Math.min(offset, size);
    // 3 bytes more on each side: the rest of a character cut at the front, and enough past
    // the limit to see whether the last character is whole.
    const want = Math.min(limit + 7, size - from);
    const buf = Buffer.alloc(want);
    const { bytesRead } = await handle.read(buf, 0, want, from);
    const data = buf.subarray(0, bytesRead);
    const { start, end } = utf8Window(data, limit);
    // The marker goes past the cap, so a file longer than the cap is one that was cut.
    return { text: data.toString('utf8', start, end), offset: from + start, nextOffset: from + end, size, truncated: size > maxBytes };
  } finally {
    await handle.close();
  }
}
