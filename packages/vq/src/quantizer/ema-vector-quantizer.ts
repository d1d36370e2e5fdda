import * as tf from '@tensorflow/tfjs-core';
import type { VqModelConfig } from '../config/types';
import type { ParamStore } from '../model/param-store';
import type { TensorSum } from '../train/data-parallel';
import { layoutFromConfig } from './layout-from-config';
import { rowsPerBlock } from './nearest-codes';
import { oneHotFloat } from './one-hot';
import {
  channelsOf,
  lookupTwoHalves,
  quantizeTwoHalves,
  splitCodebook,
  tokensPerPositionOf,
  withoutAssignments,
  type HalfAssignments,
  type TwoHalfLayout,
} from './two-half';
import type { QuantizeOptions, QuantizeResult, Quantizer } from './types';

interface Pending {
  z: tf.Tensor2D;
  idx: tf.Tensor2D;
  rows: [number, number];
}

/**
 * EMA-updated codebook (VQ-VAE-2 / taming's EMAVectorQuantizer) in the
 * two-half layout. The codebook is not trained by gradient: the loss is the
 * commitment term only (weight 1 for 'authors' placement, beta for 'vqvae'),
 * and `afterStep()` moves each half's codes to the EMA of the vectors that
 * picked them in the last training forward (an adjective vector counts 1/k
 * for each of its k codes), with Laplace-smoothed cluster sizes.
 * Buffers: `<prefix>.embedding` [K, e], `<prefix>.cluster_size` [K],
 * `<prefix>.embed_avg` [K, e], all non-trainable, in the model's ParamStore.
 *
 * @example
 * const q = new EmaVectorQuantizer(resolveVqModelConfig({ preset: 'tiny', quantizer: 'ema' }), new ParamStore(1));
 */
export class EmaVectorQuantizer implements Quantizer {
  readonly kind = 'ema' as const;
  readonly kAdj: number;
  readonly kNoun: number;
  readonly codeDim: number;
  readonly topK: number;
  readonly channels: number;
  readonly tokensPerPosition: number;
  readonly embedding: tf.Variable;
  readonly clusterSize: tf.Variable;
  readonly embedAvg: tf.Variable;
  private readonly layout: TwoHalfLayout;
  private readonly decay: number;
  private readonly epsilon: number;
  private readonly prefix: string;
  private pending: Pending[] = [];

  constructor(config: VqModelConfig, store: ParamStore, prefix = 'quantize') {
    this.layout = layoutFromConfig(config, config, false);
    this.kAdj = config.kAdj;
    this.kNoun = config.kNoun;
    this.codeDim = config.codeDim;
    this.topK = config.topK;
    this.channels = channelsOf(this.layout);
    this.tokensPerPosition = tokensPerPositionOf(this.layout);
    this.decay = config.emaDecay;
    this.epsilon = config.emaEpsilon;
    this.prefix = prefix;
    const k = config.kAdj + config.kNoun;
    this.embedding = store.create(`${prefix}.embedding`, [k, config.codeDim], { kind: 'normal', std: 1 }, false);
    this.clusterSize = store.create(`${prefix}.cluster_size`, [k], { kind: 'constant', value: 0 }, false);
    this.embedAvg = store.create(`${prefix}.embed_avg`, [k, config.codeDim], { kind: 'constant', value: 0 }, false);
    this.embedAvg.assign(this.embedding);
  }

  quantize(z: tf.Tensor4D, options: QuantizeOptions): QuantizeResult {
    return tf.tidy(() => {
      const codes = splitCodebook(this.embedding as tf.Tensor2D, this.kAdj);
      const r = quantizeTwoHalves(z, codes, this.layout, options.training);
      if (options.training) this.record(r.assignments);
      return withoutAssignments(r);
    });
  }

  /** Keeps detached copies of the last training forward's vectors and picks until afterStep(). */
  private record(a: HalfAssignments): void {
    this.clearPending();
    const keep = <T extends tf.Tensor>(t: T): T => tf.keep(tf.clone(t));
    if (a.zAdjective && a.adjective) this.pending.push({ z: keep(a.zAdjective), idx: keep(a.adjective), rows: [0, this.kAdj] });
    this.pending.push({ z: keep(a.zNoun), idx: keep(a.noun), rows: [this.kAdj, this.kAdj + this.kNoun] });
  }

  private clearPending(): void {
    for (const p of this.pending) {
      p.z.dispose();
      p.idx.dispose();
    }
    this.pending = [];
  }

  lookup(tokens: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => lookupTwoHalves(tokens, splitCodebook(this.embedding as tf.Tensor2D, this.kAdj), this.layout));
  }

  trainableVariables(): tf.Variable[] {
    return [];
  }

  namedWeights(): Record<string, tf.Variable> {
    return {
      [`${this.prefix}.embedding`]: this.embedding,
      [`${this.prefix}.cluster_size`]: this.clusterSize,
      [`${this.prefix}.embed_avg`]: this.embedAvg,
    };
  }

  /**
   * Applies the EMA update from the last training forward (no-op without one).
   * With `sum` (data-parallel), the code counts and vector sums are totalled over
   * the workers first: every rank applies the update of the whole batch.
   */
  afterStep(sum?: TensorSum): void {
    if (this.pending.length === 0) return;
    tf.tidy(() => {
      const sizes: tf.Tensor1D[] = [];
      const avgs: tf.Tensor2D[] = [];
      const embeds: tf.Tensor2D[] = [];
      const stats = this.pending.map((p) => assignmentStats(p.z, p.idx, p.rows[1] - p.rows[0], this.layout.distanceBlockElements));
      const total = sum != null ? totalOverWorkers(stats, sum) : stats;
      for (const [i, p] of this.pending.entries()) {
        const [r0, r1] = p.rows;
        const kh = r1 - r0;
        const { counts, sums } = total[i];
        const d = tf.scalar(this.decay);
        const oneMinus = tf.scalar(1 - this.decay);
        const cs = tf.add(tf.mul(tf.slice(this.clusterSize, [r0], [kh]), d), tf.mul(counts, oneMinus)) as tf.Tensor1D;
        const ea = tf.add(tf.mul(tf.slice(this.embedAvg, [r0, 0], [kh, -1]), d), tf.mul(sums, oneMinus)) as tf.Tensor2D;
        const n = tf.sum(cs);
        const eps = tf.scalar(this.epsilon);
        const smoothed = tf.mul(tf.div(tf.add(cs, eps), tf.add(n, tf.mul(eps, tf.scalar(kh)))), n);
        sizes.push(cs);
        avgs.push(ea);
        embeds.push(tf.div(ea, tf.reshape(smoothed, [kh, 1])));
      }
      this.clusterSize.assign(tf.concat(sizes, 0));
      this.embedAvg.assign(tf.concat(avgs, 0));
      this.embedding.assign(tf.concat(embeds, 0));
    });
    this.clearPending();
  }

  dispose(): void {
    this.clearPending();
  }
}

type Stats = { counts: tf.Tensor1D; sums: tf.Tensor2D };

/** Each half's statistics summed over data-parallel workers (one collective). */
function totalOverWorkers(stats: Stats[], sum: TensorSum): Stats[] {
  const named: tf.NamedTensorMap = {};
  stats.forEach((s, i) => Object.assign(named, { [`counts${i}`]: s.counts, [`sums${i}`]: s.sums }));
  const got = sum(named);
  return stats.map((_, i) => ({ counts: got[`counts${i}`] as tf.Tensor1D, sums: got[`sums${i}`] as tf.Tensor2D }));
}

/** Per code: how many vectors picked it (1/k each), and the sum of those vectors. */
function assignmentStats(z: tf.Tensor2D, idx: tf.Tensor2D, numCodes: number, blockElements: number): { counts: tf.Tensor1D; sums: tf.Tensor2D } {
  const [n, k] = idx.shape;
  const rows = rowsPerBlock(numCodes, blockElements);
  let counts: tf.Tensor1D = tf.zeros([numCodes]);
  let sums: tf.Tensor2D = tf.zeros([numCodes, z.shape[1]]);
  for (let r = 0; r < n; r += rows) {
    const size = Math.min(rows, n - r);
    const m = tf.div(tf.sum(oneHotFloat(tf.slice(idx, [r, 0], [size, k]), numCodes), 1), tf.scalar(k)) as tf.Tensor2D;
    counts = tf.add(counts, tf.sum(m, 0));
    sums = tf.add(sums, tf.matMul(tf.transpose(m), tf.slice(z, [r, 0], [size, -1])));
  }
  return { counts, sums };
}
