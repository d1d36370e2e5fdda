import * as tf from '@tensorflow/tfjs-core';

export interface AdaptiveWeightOptions {
  /** Multiplies the clamped ratio (authors: 0.8). */
  discWeight: number;
  /** Upper clamp of the ratio before discWeight (authors: 1e4). */
  maxWeight?: number;
  /** Added to the generator gradient norm (authors: 1e-4). */
  eps?: number;
}

/**
 * The adaptive GAN weight of METHOD.md §5:
 * clamp(||grad_last(rec)|| / (||grad_last(g)|| + eps), 0, maxWeight) * discWeight,
 * where both gradients are taken w.r.t. the decoder's final conv kernel.
 * Returns a plain number (it is a constant in the backward pass, like the
 * authors' `.detach()`).
 *
 * @param recGrad gradient of mean(rec) w.r.t. the last layer's kernel
 * @param genGrad gradient of the generator loss w.r.t. the same kernel
 * @example
 * const w = adaptiveWeight(gRec, gGen, { discWeight: 0.8 });
 */
export function adaptiveWeight(recGrad: tf.Tensor, genGrad: tf.Tensor, options: AdaptiveWeightOptions): number {
  const ratio = adaptiveWeightRatio(recGrad, genGrad, options);
  const value = ratio.dataSync()[0];
  ratio.dispose();
  return value * options.discWeight;
}

/**
 * The clamped ratio of `adaptiveWeight` as a scalar tensor, before `discWeight`
 * (for callers that read it back asynchronously). The caller disposes it.
 */
export function adaptiveWeightRatio(recGrad: tf.Tensor, genGrad: tf.Tensor, options: AdaptiveWeightOptions): tf.Scalar {
  const { maxWeight = 1e4, eps = 1e-4 } = options;
  return tf.tidy(() => {
    const r = tf.div(tf.norm(recGrad), tf.add(tf.norm(genGrad), eps));
    return tf.clipByValue(r, 0, maxWeight) as tf.Scalar;
  });
}
