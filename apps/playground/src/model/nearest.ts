/**
 * Nearest words of a patch, in code space. The codebook C [K, e] (adjectives first) is
 * small, so this runs on plain arrays after one download of C. A patch is described
 * by its two halves: the adjective query is the mean of its k adjective codes (what the
 * decoder sees), the noun query its noun code; with the encoder's vector z at hand,
 * pass its halves instead (the words the encoder was closest to, before rounding).
 */
import type { NearestWords, WordDistance } from './engine';

export interface Codebook {
  /** float32 [K, e], row-major: rows 0..kAdj-1 adjective codes, then kNoun noun codes. */
  data: Float32Array;
  kAdj: number;
  kNoun: number;
  codeDim: number;
}

function ranked(codebook: Codebook, query: Float32Array, from: number, count: number, words: string[], n: number, wordOffset: number): WordDistance[] {
  const e = codebook.codeDim;
  const out: WordDistance[] = [];
  for (let i = 0; i < count; i++) {
    let d = 0;
    for (let j = 0; j < e; j++) {
      const diff = codebook.data[(from + i) * e + j] - query[j];
      d += diff * diff;
    }
    out.push({ index: i, word: words[wordOffset + i] ?? `#${i}`, distance: d });
  }
  out.sort((a, b) => a.distance - b.distance || a.index - b.index);
  return out.slice(0, n);
}

/** The patch's own query vectors from its tokens: mean of the adjective codes, the noun code. */
export function patchQueries(codebook: Codebook, adjectives: number[], noun: number): { adjective: Float32Array; noun: Float32Array } {
  const e = codebook.codeDim;
  const adjective = new Float32Array(e);
  for (const a of adjectives) for (let j = 0; j < e; j++) adjective[j] += codebook.data[a * e + j] / adjectives.length;
  const n = codebook.data.slice((codebook.kAdj + noun) * e, (codebook.kAdj + noun + 1) * e);
  return { adjective, noun: n };
}

/** The `n` adjectives nearest `adjectiveQuery` and the `n` nouns nearest `nounQuery` (squared L2). */
export function nearestWords(codebook: Codebook, words: string[], adjectiveQuery: Float32Array, nounQuery: Float32Array, n: number): NearestWords {
  if (codebook.data.length !== (codebook.kAdj + codebook.kNoun) * codebook.codeDim) {
    throw new RangeError(`codebook has ${codebook.data.length} values, expected ${(codebook.kAdj + codebook.kNoun) * codebook.codeDim}`);
  }
  return {
    adjectives: ranked(codebook, adjectiveQuery, 0, codebook.kAdj, words, n, 0),
    nouns: ranked(codebook, nounQuery, codebook.kAdj, codebook.kNoun, words, n, codebook.kAdj),
  };
}
