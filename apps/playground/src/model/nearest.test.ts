import { describe, expect, it } from 'vitest';
import { nearestWords, patchQueries } from './nearest';

// e = 2; adjectives at (0,0), (1,0), (0,1); nouns at (5,5), (4,4), (0,0).
const codebook = { data: Float32Array.from([0, 0, 1, 0, 0, 1, 5, 5, 4, 4, 0, 0]), kAdj: 3, kNoun: 3, codeDim: 2 };
const words = ['red', 'small', 'round', 'bird', 'shoe', 'bag'];

describe('nearest words', () => {
  it('ranks adjectives and nouns by squared distance, each in its half', () => {
    const r = nearestWords(codebook, words, Float32Array.from([0.9, 0.1]), Float32Array.from([4.4, 4.4]), 2);
    expect(r.adjectives.map((w) => w.word)).toEqual(['small', 'red']);
    expect(r.adjectives[0].distance).toBeCloseTo(0.02, 6);
    expect(r.nouns.map((w) => [w.index, w.word])).toEqual([[1, 'shoe'], [0, 'bird']]);
  });

  it('builds the queries of a patch from its tokens: mean adjective code, noun code', () => {
    const q = patchQueries(codebook, [1, 2], 0);
    expect(Array.from(q.adjective)).toEqual([0.5, 0.5]);
    expect(Array.from(q.noun)).toEqual([5, 5]);
    const r = nearestWords(codebook, words, q.adjective, q.noun, 3);
    expect(r.nouns[0]).toEqual({ index: 0, word: 'bird', distance: 0 });
    // (0.5, 0.5) is equally far from all three adjectives: ties keep codebook order.
    expect(r.adjectives.map((w) => w.index)).toEqual([0, 1, 2]);
  });

  it('rejects a codebook of the wrong size', () => {
    expect(() => nearestWords({ ...codebook, kNoun: 4 }, words, new Float32Array(2), new Float32Array(2), 1)).toThrow(/expected 14/);
  });
});
