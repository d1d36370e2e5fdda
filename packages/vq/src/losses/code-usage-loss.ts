import * as tf from '@tensorflow/tfjs-core';
import { check } from '@vqct/core';
import { scaledScores, squaredDistances } from './code-scores';

/**
 * How unevenly a batch uses the codes: 1 - H(p) / ln K, where p is the mean over
 * the rows of z of each row's soft assignment (softmax over the codes of the
 * negative squared distance, at `temperature` x the row's mean distance). 0 when
 * the batch spreads evenly over every code, 1 when it sits on one. Its gradient
 * pulls idle codes toward the encodings (and, where z is differentiated, spreads
 * the encodings): a soft, differentiable form of dead-code restarts.
 * Tidied; returns a new scalar (0 for K = 1).
 *
 * @param z [n, e] encodings (every position of the batch)
 * @param codes [K, e]
 * @example codeUsageLoss(tf.randomNormal([64, 4]), tf.randomNormal([8, 4]), 0.1).dataSync()[0]; // in [0, 1]
 */
export function codeUsageLoss(z: tf.Tensor2D, codes: tf.Tensor2D, temperature: number): tf.Scalar {
  check(z.shape[1] === codes.shape[1], () => `code usage: encodings [${z.shape}] and codes [${codes.shape}] differ in width`);
  const k = codes.shape[0];
  return tf.tidy(() => {
    if (k < 2) return tf.scalar(0);
    const p = tf.mean(tf.softmax(scaledScores(squaredDistances(z, codes), temperature)), 0);
    const entropy = tf.neg(tf.sum(tf.mul(p, tf.log(tf.add(p, 1e-12)))));
    return tf.sub(1, tf.div(entropy, Math.log(k))) as tf.Scalar;
  });
}
