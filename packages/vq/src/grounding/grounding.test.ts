import { describe, expect, it } from 'vitest';
import { Rng } from '@vqct/core';
import { CaptionRecall } from '../metrics/caption-recall';
import { groundWords, groundedCodebook } from './ground-words';
import { maximumWeightAssignment } from './linear-assignment';
import { WordCodeScores } from './word-code-scores';

/** The best total over all n! permutations (small n only). */
function bruteForceBest(scores: Float64Array, n: number): number {
  let best = -Infinity;
  const perm = Array.from({ length: n }, (_, i) => i);
  const walk = (i: number): void => {
    if (i === n) {
      best = Math.max(best, perm.reduce((s, c, r) => s + scores[r * n + c], 0));
      return;
    }
    for (let j = i; j < n; j++) {
      [perm[i], perm[j]] = [perm[j], perm[i]];
      walk(i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
  };
  walk(0);
  return best;
}

describe('maximumWeightAssignment', () => {
  it('finds the best permutation of random matrices (against brute force)', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + (trial % 7);
      const scores = Float64Array.from({ length: n * n }, () => Math.round(rng.next() * 20) - 5);
      const col = maximumWeightAssignment(scores, n);
      expect([...col].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      const total = [...col].reduce((s, c, r) => s + scores[r * n + c], 0);
      expect(total).toBeCloseTo(bruteForceBest(scores, n), 9);
    }
  });

  it('recovers a hidden permutation from a noisy score matrix', () => {
    const n = 120;
    const rng = new Rng(9);
    const hidden = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [hidden[i], hidden[j]] = [hidden[j], hidden[i]];
    }
    const scores = Float64Array.from({ length: n * n }, () => rng.next());
    hidden.forEach((c, r) => (scores[r * n + c] += 2));
    expect([...maximumWeightAssignment(scores, n)]).toEqual(hidden);
  });

  it('refuses a wrong size and non-finite scores', () => {
    expect(() => maximumWeightAssignment([1, 2, 3], 2)).toThrow(/needs 4 scores, got 3/);
    expect(() => maximumWeightAssignment([1, NaN, 3, 4], 2)).toThrow(/score 1 \(row 0, column 1\) is NaN/);
    expect(() => maximumWeightAssignment([], 0)).toThrow(/positive size/);
  });
});

describe('grounding words', () => {
  // Two adjective codes a slot (k = 2), then a noun; 4 positions an image; kAdj 3, kNoun 4.
  const image = (adj: number[], nouns: number[]): number[] => nouns.flatMap((n, i) => [adj[(2 * i) % adj.length], adj[(2 * i + 1) % adj.length], n]);

  it('gives each caption word the code its images use, and raises caption recall to match', () => {
    const scores = new WordCodeScores(3, 4, 1);
    // Images captioned with noun 0 mostly use noun code 2; noun 1 -> code 3; noun 2 -> code 0.
    const data = [
      { tokens: image([1, 1], [2, 2, 2, 1]), words: { adjectives: [0], nouns: [0] } },
      { tokens: image([1, 2], [2, 2, 2, 0]), words: { adjectives: [0], nouns: [0] } },
      { tokens: image([0, 0], [3, 3, 3, 2]), words: { adjectives: [2], nouns: [1] } },
      { tokens: image([2, 2], [0, 0, 0, 3]), words: { adjectives: [], nouns: [2] } },
      { tokens: image([2, 2], [1, 0, 0, 0]), words: { adjectives: [], nouns: [] } },
    ];
    for (const d of data) scores.add(d.tokens, 3, d.words);
    const r = scores.result();
    expect(r.noun.images).toBe(4);
    expect(r.adjective.images).toBe(3);
    const g = groundWords(r);
    expect([...g.noun.slice(0, 3)]).toEqual([2, 3, 0]);
    expect(g.adjective[0]).toBe(1);
    expect(g.adjective[2]).toBe(0);
    expect(g.score.noun.grounded).toBe(4);
    expect(g.score.noun.identity).toBe(0);

    // Relabel every noun token by the inverse of the grounding: recall@1 goes from 0 to 1.
    const wordOfCode = new Int32Array(4);
    g.noun.forEach((code, w) => (wordOfCode[code] = w));
    const recall = (relabel: boolean): number => {
      const rec = new CaptionRecall(3, 4, [1]);
      for (const d of data) rec.add(d.tokens.map((t, i) => (relabel && i % 3 === 2 ? wordOfCode[t] : t)), 3, d.words);
      return rec.result().noun.at[0].recall;
    };
    expect(recall(false)).toBe(0);
    expect(recall(true)).toBe(1);
  });

  it('moves the codebook rows with the words, and checks sizes', () => {
    const codebook = Float32Array.from({ length: 5 * 2 }, (_, i) => i); // K 5 (2 + 3), e 2
    const moved = groundedCodebook(codebook, 2, { adjective: Int32Array.from([1, 0]), noun: Int32Array.from([2, 0, 1]) });
    expect([...moved]).toEqual([2, 3, 0, 1, 8, 9, 4, 5, 6, 7]);
    expect(() => groundedCodebook(codebook, 3, { adjective: Int32Array.from([1, 0]), noun: Int32Array.from([2, 0, 1]) })).toThrow(/needs 15 values, got 10/);
    expect(() => new WordCodeScores(2, 2, 0)).toThrow(/positive number of top codes/);
    expect(() => new WordCodeScores(2, 2).add([0, 0], 2, { adjectives: [], nouns: [5] })).toThrow(/caption word 5 is outside \[0, 2\)/);
  });
});
