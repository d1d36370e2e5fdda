import type * as tf from '@tensorflow/tfjs-core';
import type { TensorSum } from './data-parallel';

/**
 * What the VQGAN training step needs from a tokenizer; `createVqModel(...)`
 * satisfies it. Kept structural so training can be tested with any model.
 */
export interface TrainableTokenizer {
  forward(images: tf.Tensor4D, options: { training: boolean; seed?: number; keepLastLayerInput?: boolean; latent?: boolean }): {
    reconstruction: tf.Tensor4D;
    quantLoss: tf.Scalar;
    /** int32 [b, h', w', k + 1]: k adjective indices then the noun index. */
    tokens: tf.Tensor;
    /** The final layer's input, when `keepLastLayerInput` is set. */
    lastLayerInput?: tf.Tensor4D;
    /** With `latent: true`: the quantizer input [b, h', w', 2e] (adjective half, noun half). */
    latent?: tf.Tensor4D;
  };
  trainableVariables(): tf.Variable[];
  /** The decoder's final conv kernel (for the adaptive GAN weight). */
  lastLayerWeight(): tf.Variable;
  /**
   * The gradient w.r.t. `lastLayerWeight()` of sum(lastLayer(input) * dy), where
   * `input` is the forward's `lastLayerInput`: with it the step takes the adaptive
   * GAN weight's two last-layer gradients without a second generator pass.
   */
  lastLayerWeightGrad(input: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor;
  /** Every variable of the model under stable names. */
  namedWeights(): Record<string, tf.Variable>;
  /** Called after each optimizer step (EMA updates, codebook cache invalidation); `sum` totals EMA statistics over data-parallel workers. */
  afterStep(sum?: TensorSum): void;
}

/** Something else with trainable weights under stable names (the transfer net). */
export interface NamedWeightsOwner {
  namedWeights(): Record<string, tf.Variable>;
  /** Drops caches derived from the weights (a CodebookSource's codebook). */
  invalidate?(): void;
}

/**
 * An extra term of the generator loss (e.g. the caption alignment), added to
 * L_AE as it is: its weight is inside. Called inside the step's gradient scope.
 */
export interface AuxiliaryLoss {
  /** The report name of the weighted term (`losses[name]`). */
  readonly name: string;
  /** The first step (the trainer's count, resumes included) at which the term enters the loss; default 0. */
  readonly startStep?: number;
  /** Called before the forward, outside the gradient scope: throws when it cannot use this batch. */
  prepare?(batch: tf.Tensor4D): void;
  /**
   * @param batch the step's images (a BatchLoader's tensor: its items can be looked up)
   * @param latent [b, h', w', 2e] the quantizer input of this forward
   * @param seed the step's forward seed (the same codebook dropout as the quantizer's)
   */
  loss(batch: tf.Tensor4D, latent: tf.Tensor4D, seed: number): { total: tf.Scalar; parts: Record<string, tf.Scalar> };
}

/** What one training step reports: plain numbers, nothing to dispose. */
export interface StepReport {
  /** Named loss parts: total, l1, perceptual, gan, codebook, disc, adaptiveWeight, ... */
  losses: Record<string, number>;
  /** Share of codes used at least once in this batch, per half. */
  usage?: { adjective: number; noun: number };
  /** The learning rate this step's update used. */
  learningRate?: number;
}

/**
 * One optimization step the trainer runs without knowing what it trains
 * (minGPT-style). `state()` lists every variable a checkpoint must hold.
 */
export interface TrainStep {
  run(batch: tf.Tensor4D, step: number, seed: number): StepReport;
  /**
   * The same step, reading its scalars back with `await data()` instead of
   * `dataSync()`: what GPU backends need (the Trainer uses it when present).
   */
  runAsync?(batch: tf.Tensor4D, step: number, seed: number): Promise<StepReport>;
  /** Reconstructions for sample grids, [b, h, w, c]; the caller disposes. */
  sample(batch: tf.Tensor4D): tf.Tensor4D;
  state(): Record<string, tf.Variable>;
  /** Call after assigning `state()` from a checkpoint: drops caches derived from the weights. */
  restored(): void;
  dispose(): void;
}
