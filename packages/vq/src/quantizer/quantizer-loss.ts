import * as tf from '@tensorflow/tfjs-core';
import type { BetaPlacement } from '../config/types';
import { stopGradient } from './stop-gradient';

/**
 * The loss of one half (METHOD.md §3): commitment mean((sg[q]-z)^2) and
 * codebook mean((q-sg[z])^2), beta on the codebook term for `'authors'`,
 * on the commitment term for `'vqvae'`. With `codebookTerm: false` (EMA
 * codebooks, which are not trained by gradient) only the commitment term,
 * with the coefficient the placement gives it.
 *
 * @param z [N, e] encoder vectors
 * @param q [N, e] their quantized values (differentiable w.r.t. the codebook)
 * @returns scalar
 * @example const loss = quantizerLoss(z, q, 0.25, 'authors');
 */
export function quantizerLoss(
  z: tf.Tensor,
  q: tf.Tensor,
  beta: number,
  placement: BetaPlacement,
  options: { codebookTerm?: boolean } = {},
): tf.Scalar {
  return tf.tidy(() => {
    const commitment = tf.mean(tf.square(tf.sub(stopGradient(q), z)));
    const commitWeight = placement === 'authors' ? 1 : beta;
    const weightedCommitment = tf.mul(commitment, tf.scalar(commitWeight));
    if (options.codebookTerm === false) return weightedCommitment as tf.Scalar;
    const codebook = tf.mean(tf.square(tf.sub(q, stopGradient(z))));
    const codebookWeight = placement === 'authors' ? beta : 1;
    return tf.add(weightedCommitment, tf.mul(codebook, tf.scalar(codebookWeight))) as tf.Scalar;
  });
}
