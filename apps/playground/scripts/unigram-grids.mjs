/**
 * Token grids drawn independently per token from a split's unigram
 * frequencies (adjective slots from the adjective ids, noun slots from the
 * noun ids): the baseline a generator's samples are compared with.
 */

/** A seeded uniform in [0, 1) (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sorted ids and cumulative counts of the values of `grids` at slot `slot` of every k1 tokens. */
function cumulative(grids, k1, slots) {
  const counts = new Map();
  for (let i = 0; i < grids.length; i++) if (slots(i % k1)) counts.set(grids[i], (counts.get(grids[i]) ?? 0) + 1);
  const ids = [...counts.keys()].sort((a, b) => a - b);
  let c = 0;
  return { ids, cum: ids.map((id) => (c += counts.get(id))), total: c };
}

function draw(table, u) {
  const x = u * table.total;
  let lo = 0, hi = table.cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (table.cum[mid] > x) hi = mid; else lo = mid + 1;
  }
  return table.ids[lo];
}

/**
 * @param grids flat int32 token grids of a split (k1 tokens per position: k adjectives, then the noun)
 * @returns flat int32, count grids of `positions` positions
 */
export function unigramGrids(grids, k1, count, positions, seed) {
  const adj = cumulative(grids, k1, (s) => s < k1 - 1);
  const noun = cumulative(grids, k1, (s) => s === k1 - 1);
  const next = rng(seed);
  const out = new Int32Array(count * positions * k1);
  for (let i = 0; i < out.length; i++) out[i] = draw(i % k1 === k1 - 1 ? noun : adj, next());
  return out;
}
