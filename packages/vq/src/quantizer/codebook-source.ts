import type * as tf from '@tensorflow/tfjs-core';

/**
 * Where a VqctQuantizer gets its codebook. @vqct/transfer-net satisfies this
 * structurally (vq never imports it); tests implement it with one variable.
 * Codebook rows 0..kAdj-1 are adjective codes, the remaining kNoun rows noun codes.
 *
 * @example
 * const model = createVqModel(resolveVqModelConfig('tiny'), { codebook: transferNet });
 */
export interface CodebookSource {
  /** Rows 0..kAdj-1 of the codebook are adjective codes. */
  readonly kAdj: number;
  /** The remaining kNoun rows are noun codes. */
  readonly kNoun: number;
  /** e: the dimension of one code. */
  readonly codeDim: number;
  /** Differentiable codebook [K, e] for one training step (dropout on, seeded). Created in the caller's tidy scope: the caller owns it. */
  trainingCodebook(options?: { seed?: number }): tf.Tensor2D;
  /** Inference codebook [K, e] (no dropout). Cached and owned by the source; valid until invalidate() or dispose(). */
  inferenceCodebook(): tf.Tensor2D;
  /** Forget the cached inference codebook (call after the weights changed). */
  invalidate(): void;
  /** The variables a training step updates. */
  trainableVariables(): tf.Variable[];
}
