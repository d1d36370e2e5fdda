import { describe, expect, it } from 'vitest';
import { changedPatches, checkGrid, patchAt, patchLabel, patchWords, withNoun } from './tokens';

// 2x3 grid, k = 2: [adj, adj, noun] per position.
const grid = {
  gridH: 2,
  gridW: 3,
  k: 2,
  tokens: Int32Array.from([0, 1, 0, 1, 1, 2, 2, 0, 1, 0, 0, 0, 1, 2, 2, 2, 1, 1]),
};
const vocab = { words: ['yellow', 'small', 'striped', 'bird', 'shoe', 'bag'], kAdj: 3, kNoun: 3 };

describe('token grid helpers', () => {
  it('reads the words of a patch, row-major', () => {
    expect(patchWords(grid, 4)).toEqual({ patch: 4, row: 1, col: 1, adjectives: [1, 2], noun: 2 });
    expect(patchLabel(vocab, patchWords(grid, 0))).toBe('yellow, small / bird');
    expect(patchLabel(vocab, patchWords(grid, 3))).toBe('yellow, yellow / bird');
    expect(patchLabel(vocab, patchWords(grid, 2))).toBe('striped, yellow / shoe');
  });

  it('rejects patches outside the grid and grids of the wrong size', () => {
    expect(() => patchWords(grid, 6)).toThrow(/outside 0..5/);
    expect(() => checkGrid({ ...grid, tokens: new Int32Array(17) })).toThrow(/needs 18 tokens, got 17/);
  });

  it('maps a pointer position to the patch under it', () => {
    expect(patchAt(grid, 0, 0, 300, 200)).toBe(0);
    expect(patchAt(grid, 299.9, 199.9, 300, 200)).toBe(5);
    expect(patchAt(grid, 150, 120, 300, 200)).toBe(4);
    expect(patchAt(grid, 300, 10, 300, 200)).toBeNull();
    expect(patchAt(grid, -1, 10, 300, 200)).toBeNull();
  });

  it('edits a noun in a copy and finds what changed', () => {
    const edited = withNoun(grid, 4, 0, 3);
    expect(edited[4 * 3 + 2]).toBe(0);
    expect(grid.tokens[4 * 3 + 2]).toBe(2);
    expect(changedPatches(grid, edited)).toEqual([4]);
    expect(changedPatches(grid, grid.tokens)).toEqual([]);
    expect(() => withNoun(grid, 4, 3, 3)).toThrow(/noun 3 is outside 0..2/);
  });
});
