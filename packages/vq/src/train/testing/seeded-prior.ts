import { Rng } from '@vqct/core';
import type { Prior } from '@vqct/prior';

/**
 * A benchmark-style prior (BENCH.md: 4·K random adjective–noun edges of
 * weight 1, seeded; word vectors N(0, 1)) for tests that need a transfer-net
 * codebook without building a prior from a corpus. Same as resume-child.mjs.
 */
export function seededPrior(kAdj: number, kNoun: number, dim: number, seed: number): Prior {
  const rng = new Rng(seed);
  const k = kAdj + kNoun;
  const edges = 4 * k;
  const edgeIndex = new Int32Array(2 * edges);
  for (let e = 0; e < edges; e++) {
    edgeIndex[2 * e] = rng.int(kAdj);
    edgeIndex[2 * e + 1] = kAdj + rng.int(kNoun);
  }
  return {
    words: Array.from({ length: k }, (_, i) => (i < kAdj ? `adj${i}` : `noun${i - kAdj}`)),
    kAdj, kNoun, dim,
    vectors: Float32Array.from({ length: k * dim }, () => rng.normal()),
    edgeIndex, edgeWeight: new Float32Array(edges).fill(1), counts: new Int32Array(k).fill(10),
    meta: { formatVersion: 1, corpusDigest: 'seeded', embeddingSource: 'seeded-normal', minCount: 1 },
  };
}
