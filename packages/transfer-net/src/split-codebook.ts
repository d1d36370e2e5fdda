import * as tf from '@tensorflow/tfjs-core';
import { check } from '@vqct/core';

/**
 * Splits a codebook into its adjective rows (0..kAdj-1) and noun rows (the rest).
 * Both are new tensors the caller owns.
 *
 * @param codebook [K, e]
 * @returns adjective [kAdj, e], noun [K - kAdj, e]
 * @example
 * const { adjective, noun } = splitCodebook(net.inferenceCodebook(), net.kAdj);
 */
export function splitCodebook(codebook: tf.Tensor2D, kAdj: number): { adjective: tf.Tensor2D; noun: tf.Tensor2D } {
  check(codebook.rank === 2, () => `a codebook is [K, e], got shape [${codebook.shape.join(', ')}]`);
  const [k, e] = codebook.shape;
  check(Number.isInteger(kAdj) && kAdj >= 0 && kAdj <= k, () => `kAdj = ${kAdj} must be in 0..${k} for a codebook of ${k} rows`);
  return {
    adjective: tf.slice(codebook, [0, 0], [kAdj, e]),
    noun: tf.slice(codebook, [kAdj, 0], [k - kAdj, e]),
  };
}
