import type { Prior } from '@vqct/prior';
import { Rng } from '@vqct/core';

/**
 * Priors built by hand for tests (the @vqct/prior builder is a separate package).
 * Small graph: adjectives 0 "red", 1 "small"; nouns 2 "bird", 3 "car" (isolated);
 * edge (0, 2) listed twice (weights 1 and 2: duplicates are summed), (1, 2) weight 1.
 */
export function tinyPrior(): Prior {
  return {
    words: ['red', 'small', 'bird', 'car'],
    kAdj: 2,
    kNoun: 2,
    dim: 3,
    vectors: new Float32Array([0.5, -1, 2, 1, 0, -0.5, -2, 1, 0.25, 0.75, 1.5, -1]),
    edgeIndex: new Int32Array([0, 2, 0, 2, 1, 2]),
    edgeWeight: new Float32Array([1, 2, 1]),
    counts: new Int32Array([20, 15, 30, 12]),
    meta: { formatVersion: 1, corpusDigest: 'test', embeddingSource: 'hand-made', minCount: 10 },
  };
}

/** A random prior: seeded normal vectors, `numEdges` random adjective–noun edges of weight 1..3. */
export function randomPrior(kAdj: number, kNoun: number, dim: number, numEdges: number, seed = 1): Prior {
  const rng = new Rng(seed);
  const k = kAdj + kNoun;
  const vectors = new Float32Array(k * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = rng.normal();
  const edgeIndex = new Int32Array(2 * numEdges);
  const edgeWeight = new Float32Array(numEdges);
  for (let e = 0; e < numEdges; e++) {
    edgeIndex[2 * e] = rng.int(kAdj);
    edgeIndex[2 * e + 1] = kAdj + rng.int(kNoun);
    edgeWeight[e] = 1 + rng.int(3);
  }
  return {
    words: Array.from({ length: k }, (_, i) => (i < kAdj ? `adj${i}` : `noun${i - kAdj}`)),
    kAdj,
    kNoun,
    dim,
    vectors,
    edgeIndex,
    edgeWeight,
    counts: new Int32Array(k).fill(11),
    meta: { formatVersion: 1, corpusDigest: 'random', embeddingSource: 'seeded-normal', minCount: 10 },
  };
}

/** Dense Â (test reference only: fine for tiny K). */
export function denseNormalizedAdjacency(prior: Pick<Prior, 'kAdj' | 'kNoun' | 'edgeIndex' | 'edgeWeight'>): number[][] {
  const k = prior.kAdj + prior.kNoun;
  const a: number[][] = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
  for (let e = 0; e < prior.edgeWeight.length; e++) {
    const i = prior.edgeIndex[2 * e];
    const j = prior.edgeIndex[2 * e + 1];
    a[i][j] += prior.edgeWeight[e];
    a[j][i] += prior.edgeWeight[e];
  }
  const d = a.map((row) => row.reduce((s, v) => s + v, 0));
  return a.map((row, i) => row.map((v, j) => v / Math.sqrt(d[i] * d[j])));
}

/** Row-major float array -> number[][] . */
export function rows(data: ArrayLike<number>, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < data.length / cols; i++) out.push(Array.from({ length: cols }, (_, j) => data[i * cols + j]));
  return out;
}

export function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}
