import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@vqct/core';
import type { CodebookSource } from './codebook-source';

/**
 * The simplest CodebookSource: one trainable variable [kAdj + kNoun, e]
 * (no graph, no word vectors). For tests, and as a "no transfer" ablation
 * that still goes through the VQCT quantizer. Owns its variable: dispose() it.
 *
 * @example
 * const source = new VariableCodebookSource(2, 3, [[0, 0], [1, 0], [0, 1], [1, 1], [2, 2]]);
 * const model = createVqModel(resolveVqModelConfig({ preset: 'tiny', codeDim: 2 }), { codebook: source });
 */
export class VariableCodebookSource implements CodebookSource {
  readonly codebook: tf.Variable;
  readonly codeDim: number;
  private cached: tf.Tensor2D | null = null;
  /** How many times invalidate() was called. */
  invalidations = 0;

  /** @param values [kAdj + kNoun][e] rows, or a [kAdj + kNoun, e] tensor (copied). */
  constructor(readonly kAdj: number, readonly kNoun: number, values: number[][] | tf.Tensor2D) {
    const t = tf.tidy(() => (Array.isArray(values) ? tf.tensor2d(values) : tf.clone(values)));
    if (t.shape[0] !== kAdj + kNoun) {
      t.dispose();
      throw new ShapeError(`codebook has ${t.shape[0]} rows, expected kAdj + kNoun = ${kAdj + kNoun}`);
    }
    this.codeDim = t.shape[1];
    this.codebook = tf.variable(t);
    t.dispose();
  }

  /** A new tensor (the caller owns it), differentiable w.r.t. the variable. */
  trainingCodebook(): tf.Tensor2D {
    return tf.clone(this.codebook) as tf.Tensor2D;
  }

  inferenceCodebook(): tf.Tensor2D {
    if (this.cached == null) this.cached = tf.keep(tf.clone(this.codebook) as tf.Tensor2D);
    return this.cached;
  }

  invalidate(): void {
    this.invalidations++;
    this.cached?.dispose();
    this.cached = null;
  }

  trainableVariables(): tf.Variable[] {
    return [this.codebook];
  }

  dispose(): void {
    this.cached?.dispose();
    this.cached = null;
    this.codebook.dispose();
  }
}
