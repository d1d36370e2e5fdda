import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS } from './fused-kernels';

interface Attrs { groups: number; epsilon: number; swish: boolean }

/**
 * GroupNorm (and swish) through the backend's `VqctGroupNorm` kernel, with its
 * gradient from `VqctGroupNormGrad`. Call only where `hasFusedKernel` says the
 * backend has both. New tensor, caller owns it.
 * @param x [b, h, w, c]
 */
export function fusedGroupNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, attrs: Attrs): tf.Tensor4D {
  const op = tf.customGrad(((xi: tf.Tensor, g: tf.Tensor, bt: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
    const [value, normalized, mean, rstd] = tf.engine().runKernel(FUSED_KERNELS.groupNorm, { x: xi, gamma: g, beta: bt }, attrs as never) as tf.Tensor[];
    // The backward pass reuses the statistics instead of recomputing them.
    save([xi, g, normalized, mean, rstd]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, sn, sm, sr] = saved;
        return tf.engine().runKernel(FUSED_KERNELS.groupNormGrad, { dy, x: sx, gamma: sg, normalized: sn, mean: sm, rstd: sr }, attrs as never) as tf.Tensor[];
      },
    };
  }) as never) as unknown as (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor;
  return op(x, gamma, beta) as tf.Tensor4D;
}
