import type { Prior } from '@vqct/prior';
import { InputError, check } from '@vqct/core';

/**
 * The normalized adjacency Â = D^-1/2 (A + I) D^-1/2 as a coalesced edge list,
 * exactly what PyTorch Geometric's GCNConv computes by default: every edge in
 * both directions, duplicates summed, a self-loop of weight 1 on every node
 * (isolated nodes included), D the row sums of A + I.
 * Entries are sorted by target, then source, so a sorted segment sum aggregates them.
 */
export interface NormalizedAdjacency {
  numNodes: number;
  /** Message source j of each entry, int32 [M]. */
  source: Int32Array;
  /** Message target i of each entry (non-decreasing), int32 [M]. */
  target: Int32Array;
  /** Â[i, j], float32 [M]. */
  weight: Float32Array;
  /** (A + I)[i, j] before normalization, float32 [M]. */
  raw: Float32Array;
  /** Weighted degree of A + I per node, float64 [K]. */
  degree: Float64Array;
}

/**
 * Builds Â from undirected, weighted edges. Never forms a dense K x K matrix:
 * memory is O(K + E).
 *
 * @param edgeIndex int32 [E, 2], row-major pairs (i, j), both in 0..numNodes-1
 * @param edgeWeight float32 [E], finite and >= 0
 * @example
 * const a = normalizedAdjacency(3, new Int32Array([0, 1]), new Float32Array([1]));
 * a.weight; // Â[0,0] = 1/2, Â[0,1] = 1/2, Â[1,0] = 1/2, Â[1,1] = 1/2, Â[2,2] = 1
 */
export function normalizedAdjacency(numNodes: number, edgeIndex: Int32Array, edgeWeight: Float32Array): NormalizedAdjacency {
  check(Number.isInteger(numNodes) && numNodes > 0, () => `the graph needs at least one node, got K = ${numNodes}`, InputError);
  check(edgeIndex.length % 2 === 0, () => `edgeIndex must be int32 [E, 2]: its length ${edgeIndex.length} is odd`);
  const numEdges = edgeIndex.length / 2;
  check(edgeWeight.length === numEdges, () => `edgeWeight has ${edgeWeight.length} values for ${numEdges} edges`);
  for (let e = 0; e < numEdges; e++) {
    const i = edgeIndex[2 * e];
    const j = edgeIndex[2 * e + 1];
    const w = edgeWeight[e];
    check(i >= 0 && i < numNodes && j >= 0 && j < numNodes,
      () => `edge ${e} (${i}, ${j}) is out of range: node indices must be in 0..${numNodes - 1}`, InputError);
    check(i !== j, () => `edge ${e} (${i}, ${i}) is a self-loop; adjective–noun edges join two different words`, InputError);
    check(Number.isFinite(w) && w >= 0, () => `edge ${e} (${i}, ${j}) has weight ${w}; weights must be finite and >= 0`, InputError);
  }

  // Coalesce (i, j) pairs of both directions: key = target * K + source.
  const keys = new Float64Array(2 * numEdges);
  const vals = new Float64Array(2 * numEdges);
  for (let e = 0; e < numEdges; e++) {
    const i = edgeIndex[2 * e];
    const j = edgeIndex[2 * e + 1];
    keys[2 * e] = j * numNodes + i; // message i -> j
    keys[2 * e + 1] = i * numNodes + j; // message j -> i
    vals[2 * e] = vals[2 * e + 1] = edgeWeight[e];
  }
  const order = Array.from({ length: keys.length }, (_, k) => k).sort((a, b) => keys[a] - keys[b]);

  const degree = new Float64Array(numNodes).fill(1); // the self-loop
  const src: number[] = [];
  const tgt: number[] = [];
  const w: number[] = [];
  let k = 0;
  for (let node = 0; node < numNodes; node++) {
    // Entries of row `node`, sorted by source; the self-loop goes in its sorted place.
    let selfDone = false;
    while (k < order.length && Math.floor(keys[order[k]] / numNodes) === node) {
      const key = keys[order[k]];
      const s = key - node * numNodes;
      if (!selfDone && s > node) {
        src.push(node); tgt.push(node); w.push(1);
        selfDone = true;
      }
      let sum = 0;
      while (k < order.length && keys[order[k]] === key) sum += vals[order[k++]];
      src.push(s); tgt.push(node); w.push(sum);
      degree[node] += sum;
    }
    if (!selfDone) {
      src.push(node); tgt.push(node); w.push(1);
    }
  }
  const weight = new Float32Array(w.length);
  for (let m = 0; m < w.length; m++) weight[m] = w[m] / Math.sqrt(degree[tgt[m]] * degree[src[m]]);
  return { numNodes, source: Int32Array.from(src), target: Int32Array.from(tgt), weight, raw: Float32Array.from(w), degree };
}

/** `normalizedAdjacency` of a prior's graph. */
export function priorAdjacency(prior: Pick<Prior, 'kAdj' | 'kNoun' | 'edgeIndex' | 'edgeWeight'>): NormalizedAdjacency {
  return normalizedAdjacency(prior.kAdj + prior.kNoun, prior.edgeIndex, prior.edgeWeight);
}
