import * as tf from '@tensorflow/tfjs-core';
import type { TensorSum } from '../train/data-parallel';

/**
 * A sum over the data-parallel workers that autodiff can go through: the
 * gradient of a sum over ranks is the sum over ranks of the incoming gradients
 * (each rank's loss depends on every rank's input). A collective in the backward
 * pass: every rank runs the same backward, so they meet in the same order.
 */
function differentiableSum(sum: TensorSum): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args) => ({
    value: sum({ x: args[0] as tf.Tensor }).x,
    gradFunc: (dy: tf.Tensor) => sum({ dy }).dy,
  })) as (x: tf.Tensor) => tf.Tensor;
}

/**
 * BatchNorm moments over the whole data-parallel batch (PyTorch's SyncBatchNorm):
 * two passes like `tf.moments`, each one collective: the per-channel sums and
 * counts of every rank give the mean, then every rank's sums of squared
 * deviations from it give the (biased) variance. One pass with E[x²] − E[x]²
 * would cancel catastrophically where the mean is large against the spread.
 * Call inside the caller's tidy / gradient scope.
 *
 * @param h [b, h, w, c]
 * @returns mean and variance [c], and the number of values over all ranks per channel
 */
export function syncedMoments(h: tf.Tensor4D, sum: TensorSum): { mean: tf.Tensor1D; variance: tf.Tensor1D; count: number } {
  const c = h.shape[3];
  const n = h.shape[0] * h.shape[1] * h.shape[2];
  const allSum = differentiableSum(sum);
  const [s1, counts] = tf.unstack(allSum(tf.stack([tf.sum(h, [0, 1, 2]), tf.fill([c], n)]))) as tf.Tensor1D[];
  const mean = tf.div(s1, counts) as tf.Tensor1D;
  const variance = tf.div(allSum(tf.sum(tf.square(tf.sub(h, mean)), [0, 1, 2])), counts) as tf.Tensor1D;
  return { mean, variance, count: counts.dataSync()[0] };
}
