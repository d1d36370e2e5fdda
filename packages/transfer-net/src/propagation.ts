import * as tf from '@tensorflow/tfjs-core';
import type { NormalizedAdjacency } from './adjacency';

/** Constant index/weight tensors of one group of adjacency entries. */
interface EntryGroup {
  source: tf.Tensor1D;
  target: tf.Tensor1D;
  /** 0..M-1, for SparseSegmentSum used as a gather. */
  positions: tf.Tensor1D;
  /** Per-entry weight [M, 1]. */
  weight: tf.Tensor2D;
}

function group(source: ArrayLike<number>, target: ArrayLike<number>, weight: ArrayLike<number>): EntryGroup {
  const m = source.length;
  return {
    source: tf.keep(tf.tensor1d(Int32Array.from(source), 'int32')),
    target: tf.keep(tf.tensor1d(Int32Array.from(target), 'int32')),
    positions: tf.keep(tf.range(0, m, 1, 'int32') as tf.Tensor1D),
    weight: tf.keep(tf.tensor2d(Float32Array.from(weight), [m, 1], 'float32')),
  };
}

function disposeGroup(g: EntryGroup | null): void {
  if (g != null) tf.dispose([g.source, g.target, g.positions, g.weight]);
}

/**
 * Sparse message passing Y = Â H: each entry (i <- j, Â[i,j]) sends Â[i,j]·H[j] to row i.
 * Never forms a dense K x K matrix. Holds its index and weight tensors (created once,
 * kept, owned here, freed by `dispose()`).
 *
 * The gradient is custom: Â is symmetric (undirected edges, symmetric normalization),
 * so dL/dH = Âᵀ dY = Â dY, the same sparse product. Index tensors therefore never enter
 * tfjs's gradient path (its int32 gather gradient can throw), and training needs no
 * UnsortedSegmentSum on backends where that kernel is missing or slow.
 *
 * `sparse-segment` evaluates Â H = D^-1/2 (A + I) D^-1/2 H with tfjs's SparseSegmentSum,
 * which fuses the gather and the (sorted) segment sum: entries whose (A + I) weight is 1
 * (every self-loop, every pair seen once) need no per-entry product at all; the others
 * go through gather, scale, sum. `gather-scatter` is gather + scale + UnsortedSegmentSum.
 */
export class SparsePropagation {
  readonly numNodes: number;
  readonly numEntries: number;
  /** Entries of (A + I) with weight exactly 1 (sparse-segment), or all entries (gather-scatter). */
  private readonly unit: EntryGroup;
  /** Entries with another weight (sparse-segment only; padded so its last target is K - 1). */
  private readonly weighted: EntryGroup | null;
  /** D^-1/2 as [K, 1] (sparse-segment only). */
  private readonly invSqrtDegree: tf.Tensor2D | null;
  private readonly product: (h: tf.Tensor) => tf.Tensor2D;
  /** D^-1/2 tiled to [K, width], per width: tfjs-backend-cpu multiplies equal shapes ~8x faster than it broadcasts. */
  private readonly tiledInvSqrtDegree = new Map<number, tf.Tensor2D>();

  constructor(adjacency: NormalizedAdjacency, private readonly aggregation: 'sparse-segment' | 'gather-scatter') {
    const k = adjacency.numNodes;
    this.numNodes = k;
    this.numEntries = adjacency.source.length;
    if (aggregation === 'gather-scatter') {
      this.unit = group(adjacency.source, adjacency.target, adjacency.weight);
      this.weighted = null;
      this.invSqrtDegree = null;
    } else {
      const one = { s: [] as number[], t: [] as number[] };
      const other = { s: [] as number[], t: [] as number[], w: [] as number[] };
      for (let m = 0; m < this.numEntries; m++) {
        if (adjacency.raw[m] === 1) {
          one.s.push(adjacency.source[m]);
          one.t.push(adjacency.target[m]);
        } else {
          other.s.push(adjacency.source[m]);
          other.t.push(adjacency.target[m]);
          other.w.push(adjacency.raw[m]);
        }
      }
      // Every node has its self-loop (weight 1) here, so the unit group's sum has K rows.
      this.unit = group(one.s, one.t, new Float32Array(one.s.length).fill(1));
      if (other.s.length > 0) {
        // SparseSegmentSum's output ends at the last segment id: a zero-weight entry pins it to K - 1.
        if (other.t[other.t.length - 1] !== k - 1) {
          other.s.push(k - 1);
          other.t.push(k - 1);
          other.w.push(0);
        }
        this.weighted = group(other.s, other.t, other.w);
      } else {
        this.weighted = null;
      }
      const inv = Float32Array.from(adjacency.degree, (d) => 1 / Math.sqrt(d));
      this.invSqrtDegree = tf.keep(tf.tensor2d(inv, [k, 1], 'float32'));
    }
    this.product = tf.customGrad((h) => ({
      value: this.multiply(h as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor) => this.multiply(dy as tf.Tensor2D),
    })) as (h: tf.Tensor) => tf.Tensor2D;
  }

  /**
   * Â H, differentiable with respect to H.
   * @param h [K, c]
   * @returns [K, c]; the caller owns it
   * @example
   * const y = propagation.apply(h);
   */
  apply(h: tf.Tensor2D): tf.Tensor2D {
    return this.product(h);
  }

  private multiply(h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const u = this.unit;
      if (this.aggregation === 'gather-scatter') {
        const messages = tf.mul(tf.gather(h, u.source), u.weight);
        return tf.unsortedSegmentSum(messages, u.target, this.numNodes) as tf.Tensor2D;
      }
      const scaled = this.scaleByInvSqrtDegree(h);
      let sum = tf.sparse.sparseSegmentSum(scaled, u.source, u.target) as tf.Tensor2D;
      const w = this.weighted;
      if (w != null) {
        // SparseSegmentSum with one segment per entry is a gather (much faster than
        // GatherV2 on tfjs's cpu and wasm backends), then a sorted segment sum.
        const messages = tf.mul(tf.sparse.sparseSegmentSum(scaled, w.source, w.positions), w.weight);
        sum = tf.add(sum, tf.sparse.sparseSegmentSum(messages, w.positions, w.target));
      }
      return this.scaleByInvSqrtDegree(sum);
    });
  }

  private scaleByInvSqrtDegree(x: tf.Tensor2D): tf.Tensor2D {
    const width = x.shape[1];
    let tiled = this.tiledInvSqrtDegree.get(width);
    if (tiled == null) {
      // Kept and owned here (freed by dispose()), even when first needed inside a tidy or a gradient.
      tiled = tf.keep(tf.tile(this.invSqrtDegree as tf.Tensor2D, [1, width]));
      this.tiledInvSqrtDegree.set(width, tiled);
    }
    return tf.mul(x, tiled);
  }

  /** Frees the tiled D^-1/2 constants (they are rebuilt on the next use). */
  clearCache(): void {
    for (const t of this.tiledInvSqrtDegree.values()) t.dispose();
    this.tiledInvSqrtDegree.clear();
  }

  dispose(): void {
    disposeGroup(this.unit);
    disposeGroup(this.weighted);
    this.invSqrtDegree?.dispose();
    this.clearCache();
  }
}
