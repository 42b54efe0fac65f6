// The last `max` bytes of a stream: the end of a program's output is where its error is.

export class TailBuffer {
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** True once anything was dropped from the front. */
  cut = false;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > this.max && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const over = this.bytes - this.max;
      this.cut = true;
      if (first.length <= over) {
        this.chunks.shift();
        this.bytes -= first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.bytes -= over;
      }
    }
  }

  /** As text; a character split by the cut is dropped rather than shown as U+FFFD. */
  text(): string {
    const s = Buffer.concat(this.chunks).toString('utf8');
    return this.cut ? s.replace(/^\uFFFD+/, '') : s;
  }
}
