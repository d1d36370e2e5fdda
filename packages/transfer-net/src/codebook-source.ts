import type * as tf from '@tensorflow/tfjs-core';

/**
 * A copy of the `CodebookSource` interface that @vqct/vq owns, kept here only so
 * the compiler checks that `TransferNet` satisfies it (structural typing: this
 * package never imports vq). If vq's interface changes, change this copy too.
 */
export interface CodebookSourceShape {
  readonly kAdj: number;
  readonly kNoun: number;
  readonly codeDim: number;
  trainingCodebook(options?: { seed?: number }): tf.Tensor2D;
  inferenceCodebook(): tf.Tensor2D;
  invalidate(): void;
  trainableVariables(): tf.Variable[];
}
