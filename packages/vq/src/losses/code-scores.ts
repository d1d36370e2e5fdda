import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../quantizer/stop-gradient';

/** Squared L2 distances [n, K] between rows of x [n, e] and codes [K, e]. Not tidied: call inside a tidy. */
export function squaredDistances(x: tf.Tensor2D, codes: tf.Tensor2D): tf.Tensor2D {
  const xx = tf.sum(tf.square(x), 1, true);
  const cc = tf.reshape(tf.sum(tf.square(codes), 1), [1, -1]);
  return tf.relu(tf.add(tf.sub(xx, tf.mul(tf.matMul(x, codes, false, true), 2)), cc)) as tf.Tensor2D;
}

/**
 * -d / (temperature x the row's mean distance): scores that are scale-free across
 * checkpoints (the scale is not differentiated). Not tidied: call inside a tidy.
 */
export function scaledScores(d: tf.Tensor2D, temperature: number): tf.Tensor2D {
  const scale = stopGradient(tf.add(tf.mul(tf.mean(d, 1, true), temperature), 1e-8));
  return tf.neg(tf.div(d, scale)) as tf.Tensor2D;
}

/** log softmax over the codes of `scaledScores`. Not tidied: call inside a tidy. */
export function logScores(d: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.logSoftmax(scaledScores(d, temperature)) as tf.Tensor2D;
}
