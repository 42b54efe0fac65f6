import { describe, expect, it } from 'vitest';
import { createMasker, maskValue } from '../../../../server/secrets/masker.ts';

describe('masker', () => {
  const masker = createMasker(['s3cr3t-value', 'tok"en\\x', 'ab', 's3cr3t']);

  it('masks every occurrence, the longest value first, and its JSON-escaped form', () => {
    expect(masker.mask('a s3cr3t-value and s3cr3t.')).toBe('a *** and ***.');
    expect(masker.mask(JSON.stringify({ v: 'tok"en\\x' }))).toBe('{"v":"***"}');
    expect(masker.mask('tok"en\\x')).toBe('***');
  });

  it('leaves values shorter than four characters alone', () => {
    expect(masker.mask('ab cd ab')).toBe('ab cd ab');
  });

  it('masks a value split across chunks at any point', () => {
    const text = 'before s3cr3t-value after, and s3cr3t again\n';
    for (let cut = 0; cut <= text.length; cut++) {
      for (let cut2 = cut; cut2 <= text.length; cut2 += 7) {
        const s = masker.stream();
        const out = s.write(text.slice(0, cut)) + s.write(text.slice(cut, cut2)) + s.write(text.slice(cut2)) + s.end();
        expect(out).toBe('before *** after, and *** again\n');
      }
    }
  });

  it('never emits half of a value whose end overlaps the start of another', () => {
    const overlapping = createMasker(['abcdef', 'defgh']);
    for (let cut = 0; cut <= 12; cut++) {
      const s = overlapping.stream();
      const text = 'x abcdefg y\n';
      const out = s.write(text.slice(0, cut)) + s.write(text.slice(cut)) + s.end();
      expect(out).not.toMatch(/abc|fgh/);
      expect(out).toBe('x ***g y\n');
    }
  });

  it('holds back only what could start a value, and releases it at the end', () => {
    const s = masker.stream();
    expect(s.write('line one\nand s3cr')).toBe('line one\nand ');
    expect(s.end()).toBe('s3cr');
    expect(createMasker([]).stream().write('anything')).toBe('anything');
  });

  it('masks strings inside a JSON value, keys included, and returns the same object when nothing matched', () => {
    expect(maskValue(masker, { url: 'https://x/?t=s3cr3t', list: ['s3cr3t-value'], s3cr3t: 1 })).toEqual({ url: 'https://x/?t=***', list: ['***'], '***': 1 });
    const clean = { a: 1 };
    expect(maskValue(masker, clean)).toBe(clean);
  });
});
