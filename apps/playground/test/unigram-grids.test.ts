import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script module without types
import { unigramGrids } from '../scripts/unigram-grids.mjs';

describe('unigramGrids (the FID-like baseline of scripts/sample-fid.mjs)', () => {
  // 3 tokens per position: 2 adjective slots, then the noun.
  const grids = Int32Array.from([0, 1, 7, 0, 0, 7, 1, 1, 9, 0, 1, 7]);

  it('draws adjective slots from adjective ids and noun slots from noun ids, at their frequencies', () => {
    const out = unigramGrids(grids, 3, 500, 4, 1) as Int32Array;
    expect(out.length).toBe(500 * 4 * 3);
    const adj: number[] = [];
    const noun: number[] = [];
    out.forEach((v, i) => (i % 3 === 2 ? noun : adj).push(v));
    expect(new Set(adj)).toEqual(new Set([0, 1]));
    expect(new Set(noun)).toEqual(new Set([7, 9]));
    // nouns: 7 three times of four, 9 once; adjectives: 0 and 1 four times each of eight.
    expect(noun.filter((v) => v === 7).length / noun.length).toBeGreaterThan(0.7);
    expect(noun.filter((v) => v === 7).length / noun.length).toBeLessThan(0.8);
    expect(adj.filter((v) => v === 0).length / adj.length).toBeGreaterThan(0.45);
    expect(adj.filter((v) => v === 0).length / adj.length).toBeLessThan(0.55);
  });

  it('is reproducible by seed and differs across seeds', () => {
    expect(unigramGrids(grids, 3, 10, 4, 5)).toEqual(unigramGrids(grids, 3, 10, 4, 5));
    expect(unigramGrids(grids, 3, 10, 4, 5)).not.toEqual(unigramGrids(grids, 3, 10, 4, 6));
  });
});
