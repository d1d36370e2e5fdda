import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean absolute error per pixel, the reconstruction term of METHOD.md §5.
 * Returns a new scalar; the caller owns it.
 *
 * @param x [b, h, w, c] originals in [-1, 1]
 * @param y [b, h, w, c] reconstructions
 * @example
 * const l = l1Loss(images, recon); // tf.Scalar
 */
export function l1Loss(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(x, y)))) as tf.Scalar;
}
