import * as tf from '@tensorflow/tfjs-core';
import { Rng, check, resolveOrThrow } from '@vqct/core';
import { z } from 'zod';
import type { TensorSum } from '../train/data-parallel';
import { syncedMoments } from './synced-moments';

/** User-facing options of the PatchGAN discriminator (all optional). */
export interface PatchDiscriminatorOptions {
  /** Image channels (3 for RGB, 1 for gray). */
  inChannels?: number;
  /** Filters of the first layer (authors: 64). */
  baseFilters?: number;
  /** Strided layers (authors: 3). */
  layers?: number;
  /** Seed of the N(0, 0.02) initialization. */
  seed?: number;
  /** Running-statistics momentum of BatchNorm (PyTorch's 0.1). */
  bnMomentum?: number;
}

export const defaultPatchDiscriminatorOptions: Required<PatchDiscriminatorOptions> = {
  inChannels: 3,
  baseFilters: 64,
  layers: 3,
  seed: 0,
  bnMomentum: 0.1,
};

const schema = z.strictObject({
  inChannels: z.number().int().positive(),
  baseFilters: z.number().int().positive(),
  layers: z.number().int().min(1).max(6),
  seed: z.number().int(),
  bnMomentum: z.number().gt(0).lt(1),
});

export function resolvePatchDiscriminatorOptions(o: PatchDiscriminatorOptions = {}): Required<PatchDiscriminatorOptions> {
  return resolveOrThrow(schema, { ...defaultPatchDiscriminatorOptions, ...o }, 'discriminator options');
}

interface Block {
  kernel: tf.Variable;
  bias?: tf.Variable;
  gamma?: tf.Variable;
  beta?: tf.Variable;
  mean?: tf.Variable;
  variance?: tf.Variable;
  stride: number;
}

const BN_EPS = 1e-5;

function normalVariable(rng: Rng, shape: number[], mean: number, std: number, name: string, trainable = true): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = mean + std * rng.normal();
  return tf.tidy(() => tf.variable(tf.tensor(data, shape), trainable, name));
}

let instance = 0;

/**
 * The PatchGAN discriminator of METHOD.md §5 (taming's NLayerDiscriminator):
 * conv4x4/2 + LeakyReLU(0.2), then `layers - 1` conv4x4/2 + BatchNorm + LeakyReLU,
 * one conv4x4/1 + BatchNorm + LeakyReLU, and a conv4x4/1 to one logit per patch.
 * Convolution kernels and BatchNorm scales are drawn from N(0, 0.02) / N(1, 0.02).
 * BatchNorm uses batch statistics (training mode, like the authors); running
 * statistics are updated only when `apply(x, { updateStats: true })`. With
 * `apply(x, { sum })` (data-parallel workers), the batch statistics are those of
 * every worker's batch together (SyncBatchNorm), so W workers x b normalize as
 * 1 x W·b does, and the running statistics stay identical across ranks.
 * Owns its variables: call `dispose()`.
 *
 * @example
 * const disc = new PatchDiscriminator({ inChannels: 3, seed: 1 });
 * const logits = tf.tidy(() => disc.apply(images)); // 32x32 images: [b, 2, 2, 1]
 */
export class PatchDiscriminator {
  readonly options: Required<PatchDiscriminatorOptions>;
  private readonly blocks: Block[] = [];
  private readonly names: Record<string, tf.Variable> = {};

  constructor(options: PatchDiscriminatorOptions = {}) {
    this.options = resolvePatchDiscriminatorOptions(options);
    const { inChannels, baseFilters, layers, seed } = this.options;
    const rng = new Rng(seed);
    const uid = `disc${instance++}`;
    let cin = inChannels;
    const plan: Array<{ cout: number; stride: number; norm: boolean }> = [{ cout: baseFilters, stride: 2, norm: false }];
    let mult = 1;
    for (let n = 1; n < layers; n++) {
      mult = Math.min(2 ** n, 8);
      plan.push({ cout: baseFilters * mult, stride: 2, norm: true });
    }
    mult = Math.min(2 ** layers, 8);
    plan.push({ cout: baseFilters * mult, stride: 1, norm: true });
    plan.push({ cout: 1, stride: 1, norm: false });
    plan.forEach((p, i) => {
      const key = `layer${i}`;
      const block: Block = { stride: p.stride, kernel: normalVariable(rng, [4, 4, cin, p.cout], 0, 0.02, `${uid}.${key}.kernel`) };
      this.names[`${key}.kernel`] = block.kernel;
      if (p.norm) {
        block.gamma = normalVariable(rng, [p.cout], 1, 0.02, `${uid}.${key}.gamma`);
        block.beta = tf.tidy(() => tf.variable(tf.zeros([p.cout]), true, `${uid}.${key}.beta`));
        block.mean = tf.tidy(() => tf.variable(tf.zeros([p.cout]), false, `${uid}.${key}.running_mean`));
        block.variance = tf.tidy(() => tf.variable(tf.ones([p.cout]), false, `${uid}.${key}.running_var`));
        Object.assign(this.names, {
          [`${key}.gamma`]: block.gamma, [`${key}.beta`]: block.beta,
          [`${key}.running_mean`]: block.mean, [`${key}.running_var`]: block.variance,
        });
      } else {
        block.bias = tf.tidy(() => tf.variable(tf.zeros([p.cout]), true, `${uid}.${key}.bias`));
        this.names[`${key}.bias`] = block.bias;
      }
      this.blocks.push(block);
      cin = p.cout;
    });
  }

  /**
   * Patch logits for images. Returns a new tensor (use inside tf.tidy / variableGrads).
   * @param x [b, h, w, c] in [-1, 1]; h and w at least 3 * 2^layers
   * @returns [b, h', w', 1]
   */
  apply(x: tf.Tensor4D, options: { updateStats?: boolean; sum?: TensorSum } = {}): tf.Tensor4D {
    check(x.rank === 4 && x.shape[3] === this.options.inChannels,
      () => `discriminator input must be [b, h, w, ${this.options.inChannels}], got [${x.shape.join(', ')}]`);
    const min = 3 * 2 ** this.options.layers;
    check(x.shape[1] >= min && x.shape[2] >= min,
      () => `discriminator with ${this.options.layers} strided layers needs images of at least ${min}x${min}, got ${x.shape[1]}x${x.shape[2]}`);
    let h: tf.Tensor4D = x;
    const last = this.blocks.length - 1;
    this.blocks.forEach((b, i) => {
      // PyTorch's padding=1 with a 4x4 kernel: pad explicitly, then 'valid'.
      const padded = tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      h = tf.conv2d(padded, b.kernel as tf.Tensor4D, b.stride, 'valid');
      if (b.bias != null) h = tf.add(h, b.bias);
      if (b.gamma != null) h = this.batchNorm(h, b, options.updateStats === true, options.sum);
      if (i !== last) h = tf.leakyRelu(h, 0.2);
    });
    return h;
  }

  private batchNorm(h: tf.Tensor4D, b: Block, updateStats: boolean, sum?: TensorSum): tf.Tensor4D {
    const { mean, variance, count } = sum != null ? syncedMoments(h, sum) : { ...tf.moments(h, [0, 1, 2]), count: h.shape[0] * h.shape[1] * h.shape[2] };
    if (updateStats) {
      const n = count;
      const m = this.options.bnMomentum;
      // Like PyTorch: the running variance uses the unbiased estimate.
      tf.tidy(() => {
        const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
        b.mean!.assign(tf.add(tf.mul(b.mean!, 1 - m), tf.mul(mean, m)));
        b.variance!.assign(tf.add(tf.mul(b.variance!, 1 - m), tf.mul(unbiased, m)));
      });
    }
    return tf.batchNorm(h, mean, variance, b.beta!, b.gamma!, BN_EPS) as tf.Tensor4D;
  }

  /** Trainable variables (kernels, biases, BatchNorm scales and shifts). */
  trainableVariables(): tf.Variable[] {
    return Object.values(this.names).filter((v) => v.trainable);
  }

  /** Every variable under a stable name (`layer1.gamma`, `layer1.running_mean`, ...). */
  namedWeights(): Record<string, tf.Variable> {
    return { ...this.names };
  }

  dispose(): void {
    for (const v of Object.values(this.names)) v.dispose();
  }
}
