// A fixed-size bit set: ancestor sets of a 2,000-step chain are 2,000 × 2,000 bits (500 kB)
// instead of four million Set entries.

export class Bitset {
  readonly words: Uint32Array;

  constructor(size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  has(i: number): boolean {
    return ((this.words[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;
  }

  /** this |= other */
  union(other: Bitset): void {
    const w = this.words;
    const o = other.words;
    for (let k = 0; k < w.length; k++) w[k]! |= o[k]!;
  }
}
