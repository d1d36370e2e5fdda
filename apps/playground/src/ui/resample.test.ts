import { describe, expect, it } from 'vitest';
import { keepOutside } from './resample';

describe('keepOutside', () => {
  it('frees the 3x3 neighbourhood of a patch (clipped at the border) and keeps the rest', () => {
    const keep = keepOutside(4, 5, 6, 1); // row 1, col 1
    const free = keep.map((k, p) => (k ? -1 : p)).filter((p) => p >= 0);
    expect(free).toEqual([0, 1, 2, 5, 6, 7, 10, 11, 12]);
    expect(keepOutside(4, 5, 0, 1).filter((k) => !k).length).toBe(4);
    expect(keepOutside(2, 2, 3, 0)).toEqual([true, true, true, false]);
  });

  it('refuses a patch outside the grid', () => {
    expect(() => keepOutside(2, 2, 4, 1)).toThrow(/outside 0..3/);
    expect(() => keepOutside(2, 2, 1, -1)).toThrow(/radius/);
  });
});
