import type * as tf from '@tensorflow/tfjs-core';
import type { QuantizerKind } from '../config/types';
import type { TensorSum } from '../train/data-parallel';

export interface QuantizeOptions {
  /** Training: straight-through output, learned/transferred codebook with dropout, EMA statistics recorded. */
  training: boolean;
  /** Seeds the codebook source's dropout for this step. */
  seed?: number;
}

/** What a quantizer returns; new tensors owned by the caller. */
// A type alias (not an interface) so that it is a tfjs TensorContainer and can leave tf.tidy.
export type QuantizeResult = {
  /** [b, h, w, channels] the quantized vectors (value q; gradient passed straight through to z). */
  quantized: tf.Tensor4D;
  /** Scalar: adjective + noun loss. */
  loss: tf.Scalar;
  /** Scalars per half (adjective is 0 when the layout has no adjective half). */
  parts: { adjective: tf.Scalar; noun: tf.Scalar };
  /** int32 [b, h, w, tokensPerPosition]: topK adjective indices (0..kAdj-1), then 1 noun index (0..kNoun-1). */
  tokens: tf.Tensor4D;
};

/**
 * The interface every quantizer implements (VqctQuantizer, VectorQuantizer,
 * EmaVectorQuantizer). All use the same two-half layout: channels
 * [adjective half (e) ; noun half (e)], tokens [k adjective ids ; 1 noun id].
 */
export interface Quantizer {
  readonly kind: QuantizerKind;
  readonly kAdj: number;
  readonly kNoun: number;
  readonly codeDim: number;
  readonly topK: number;
  /** Channels of z and of the output: 2e, or e when kAdj is 0. */
  readonly channels: number;
  /** Last dimension of the tokens: topK + 1, or 1 when kAdj is 0. */
  readonly tokensPerPosition: number;
  /** @param z [b, h, w, channels] */
  quantize(z: tf.Tensor4D, options: QuantizeOptions): QuantizeResult;
  /** Rebuilds exactly the inference `quantized` from tokens. @param tokens int32 [b, h, w, tokensPerPosition] @returns [b, h, w, channels] */
  lookup(tokens: tf.Tensor4D): tf.Tensor4D;
  trainableVariables(): tf.Variable[];
  /** Every variable the quantizer owns (EMA buffers included), by stable name. */
  namedWeights(): Record<string, tf.Variable>;
  /**
   * Called by the trainer after each optimizer step. `sum` (data-parallel runs)
   * adds up statistics over the workers, so EMA updates see the whole batch.
   */
  afterStep(sum?: TensorSum): void;
  dispose(): void;
}
