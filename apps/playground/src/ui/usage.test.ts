import { describe, expect, it } from 'vitest';
import { codeUsage, histogramBars, usageBars } from './usage';

const grid = { gridH: 2, gridW: 2, k: 2, tokens: Int32Array.from([0, 1, 0, 1, 1, 2, 2, 0, 2, 0, 0, 2]) };
const vocab = { words: ['yellow', 'small', 'striped', 'bird', 'shoe', 'bag'], kAdj: 3, kNoun: 3 };

describe('code usage', () => {
  it('counts every adjective slot and every noun', () => {
    const u = codeUsage(grid, 3, 3);
    expect(Array.from(u.adjectives)).toEqual([4, 3, 1]);
    expect(Array.from(u.nouns)).toEqual([1, 0, 3]);
    expect(u.adjectivesUsed).toBe(3);
    expect(u.nounsUsed).toBe(2);
  });

  it('rejects tokens outside the codebook', () => {
    expect(() => codeUsage({ ...grid, tokens: Int32Array.from([0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }, 3, 3)).toThrow(/adjective token 3/);
  });

  it('makes bars of the most used codes, ties in codebook order, unused codes left out', () => {
    const bars = histogramBars(Int32Array.from([2, 0, 5, 2]), (i) => `w${i}`, 3);
    expect(bars.map((b) => [b.word, b.count, b.fraction])).toEqual([['w2', 5, 1], ['w0', 2, 0.4], ['w3', 2, 0.4]]);
    const both = usageBars(codeUsage(grid, 3, 3), vocab, 2);
    expect(both.nouns.map((b) => b.word)).toEqual(['bag', 'bird']);
    expect(both.adjectives.map((b) => b.word)).toEqual(['yellow', 'small']);
  });
});
