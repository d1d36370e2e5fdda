/**
 * Code usage of one image: how often each adjective and noun code was picked, and the
 * bars of a histogram of the most used ones.
 */
import type { TokenGrid, Vocabulary } from './tokens';
import { adjectiveWord, nounWord } from './tokens';

export interface CodeUsage {
  /** int32 [kAdj]: uses of each adjective code (every one of the k slots counts). */
  adjectives: Int32Array;
  /** int32 [kNoun]: uses of each noun code. */
  nouns: Int32Array;
  /** Distinct codes used, per half. */
  adjectivesUsed: number;
  nounsUsed: number;
}

export function codeUsage(grid: TokenGrid, kAdj: number, kNoun: number): CodeUsage {
  const adjectives = new Int32Array(kAdj);
  const nouns = new Int32Array(kNoun);
  const step = grid.k + 1;
  for (let p = 0; p < grid.gridH * grid.gridW; p++) {
    for (let j = 0; j < grid.k; j++) {
      const a = grid.tokens[p * step + j];
      if (a < 0 || a >= kAdj) throw new RangeError(`adjective token ${a} at patch ${p} is outside 0..${kAdj - 1}`);
      adjectives[a]++;
    }
    const n = grid.tokens[p * step + grid.k];
    if (n < 0 || n >= kNoun) throw new RangeError(`noun token ${n} at patch ${p} is outside 0..${kNoun - 1}`);
    nouns[n]++;
  }
  const used = (c: Int32Array) => c.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
  return { adjectives, nouns, adjectivesUsed: used(adjectives), nounsUsed: used(nouns) };
}

export interface Bar {
  index: number;
  word: string;
  count: number;
  /** count / the largest count, in (0, 1]. */
  fraction: number;
}

/** The `top` most used codes, most used first; ties keep codebook order. */
export function histogramBars(counts: Int32Array, wordOf: (index: number) => string, top: number): Bar[] {
  const idx = Array.from(counts.keys()).filter((i) => counts[i] > 0);
  idx.sort((a, b) => counts[b] - counts[a] || a - b);
  const chosen = idx.slice(0, top);
  const max = chosen.length > 0 ? counts[chosen[0]] : 1;
  return chosen.map((i) => ({ index: i, word: wordOf(i), count: counts[i], fraction: counts[i] / max }));
}

export function usageBars(usage: CodeUsage, vocab: Vocabulary, top: number): { adjectives: Bar[]; nouns: Bar[] } {
  return {
    adjectives: histogramBars(usage.adjectives, (i) => adjectiveWord(vocab, i), top),
    nouns: histogramBars(usage.nouns, (i) => nounWord(vocab, i), top),
  };
}
