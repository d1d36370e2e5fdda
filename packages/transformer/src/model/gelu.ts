import * as tf from '@tensorflow/tfjs-core';

const C = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (GPT-2's): tfjs-core has no gelu op, and this one
 * is built from ops that have gradients on every backend.
 * @example const y = gelu(x);
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), C);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}
