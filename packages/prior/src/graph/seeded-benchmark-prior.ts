import { Rng } from '@vqct/core';
import type { Prior } from '../types';

export interface SeededBenchmarkPriorOptions {
  kAdj: number;
  kNoun: number;
  /** Word-vector dimension d. */
  dim: number;
  seed: number;
  /** Edges per code (BENCH.md: 4, i.e. 4·K edges). */
  edgesPerCode?: number;
}

/**
 * The prior of the benchmark configurations (BENCH.md): `edgesPerCode`·K
 * random adjective–noun edges of weight 1 and N(0, 1) word vectors, seeded.
 * For benchmarks and tests that need a codebook graph without a corpus;
 * words are named `adj0..`, `noun0..`.
 *
 * @example
 * const prior = seededBenchmarkPrior({ kAdj: 512, kNoun: 1024, dim: 100, seed: 1 });
 */
export function seededBenchmarkPrior(options: SeededBenchmarkPriorOptions): Prior {
  const { kAdj, kNoun, dim, seed, edgesPerCode = 4 } = options;
  const rng = new Rng(seed);
  const k = kAdj + kNoun;
  const edges = edgesPerCode * k;
  const edgeIndex = new Int32Array(2 * edges);
  for (let e = 0; e < edges; e++) {
    edgeIndex[2 * e] = rng.int(kAdj);
    edgeIndex[2 * e + 1] = kAdj + rng.int(kNoun);
  }
  return {
    words: Array.from({ length: k }, (_, i) => (i < kAdj ? `adj${i}` : `noun${i - kAdj}`)),
    kAdj,
    kNoun,
    dim,
    vectors: Float32Array.from({ length: k * dim }, () => rng.normal()),
    edgeIndex,
    edgeWeight: new Float32Array(edges).fill(1),
    counts: new Int32Array(k).fill(10),
    meta: { formatVersion: 1, corpusDigest: 'seeded', embeddingSource: 'seeded-normal', minCount: 1 },
  };
}
