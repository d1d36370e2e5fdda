import { splitPairKey } from '../tagging/corpus-stats';

export interface Edges {
  /** int32 [E, 2]: (adjective index, noun index) into the codebook (nouns offset by kAdj). */
  edgeIndex: Int32Array;
  /** float32 [E]: how often the pair occurred. */
  edgeWeight: Float32Array;
}

/**
 * Turns adjective→noun pair counts into codebook edges (METHOD.md §1.4):
 * pairs whose adjective or noun is not in the codebook are dropped; the
 * weight is the pair's multiplicity; order is first-seen.
 *
 * @example
 * const { edgeIndex, edgeWeight } = buildEdges(stats.pairs, ['red'], ['bus']); // [0, 1], [2]
 */
export function buildEdges(pairs: Map<string, number>, adjectives: readonly string[], nouns: readonly string[]): Edges {
  const adjAt = new Map(adjectives.map((w, i) => [w, i] as const));
  const nounAt = new Map(nouns.map((w, i) => [w, adjectives.length + i] as const));
  const index: number[] = [];
  const weight: number[] = [];
  for (const [key, count] of pairs) {
    const [a, n] = splitPairKey(key);
    const ai = adjAt.get(a);
    const ni = nounAt.get(n);
    if (ai == null || ni == null) continue;
    index.push(ai, ni);
    weight.push(count);
  }
  return { edgeIndex: Int32Array.from(index), edgeWeight: Float32Array.from(weight) };
}
