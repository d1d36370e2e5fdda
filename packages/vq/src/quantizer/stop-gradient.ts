import * as tf from '@tensorflow/tfjs-core';

const sg = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  return {
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  };
});

/**
 * sg[x]: the value of x, no gradient (tfjs-core has no stopGradient op).
 * @example const commit = tf.mean(tf.square(tf.sub(stopGradient(q), z)));
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return sg(x) as T;
}

const st = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [, q] = args as [tf.Tensor, tf.Tensor];
  return {
  // The value is q itself (not z + (q - z), which rounds), so the training
  // output equals the inference output and the token round trip stays exact.
  value: tf.clone(q),
  gradFunc: (dy: tf.Tensor) => [tf.clone(dy), tf.zerosLike(q)],
  };
});

/**
 * Straight-through estimator: forward q, backward the incoming gradient to z
 * unchanged (and nothing to q). Shapes of z and q must match.
 * @example const out = straightThrough(z, q);
 */
export function straightThrough<T extends tf.Tensor>(z: T, q: T): T {
  return st(z, q) as T;
}
