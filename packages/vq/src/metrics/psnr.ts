import * as tf from '@tensorflow/tfjs-core';

/**
 * PSNR per image in dB for images in [-1, 1] (peak-to-peak range 2):
 * 10 log10(4 / mse). Identical images give Infinity. Returns a new tensor.
 *
 * @param x [b, h, w, c]
 * @param y [b, h, w, c]
 * @returns [b]
 * @example
 * const p = psnr(images, recon); // [b]
 */
export function psnr(x: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const mse = tf.mean(tf.square(tf.sub(x, y)), [1, 2, 3]);
    return tf.mul(tf.div(tf.log(tf.div(4, mse)), Math.log(10)), 10) as tf.Tensor1D;
  });
}
