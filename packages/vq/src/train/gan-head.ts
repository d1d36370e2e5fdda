import * as tf from '@tensorflow/tfjs-core';
import { adaptiveWeightRatio } from '../losses/adaptive-weight';
import { generatorLoss } from '../losses/hinge';
import type { PatchDiscriminator } from '../losses/patch-discriminator';
import type { PerceptualDistance } from '../losses/reconstruction';
import { reconstructionLoss } from '../losses/reconstruction';
import type { DataParallel } from './data-parallel';
import { nestedGradients } from './nested-gradients';
import type { TrainableTokenizer } from './types';

export interface GanHeadOptions {
  batch: tf.Tensor4D;
  perceptual?: PerceptualDistance;
  perceptualWeight: number;
  discriminator: PatchDiscriminator;
  model: Pick<TrainableTokenizer, 'lastLayerWeightGrad'>;
  discWeight: number;
  maxAdaptiveWeight: number;
  /** Data-parallel workers: the adaptive weight from the last-layer gradients averaged over them, the PatchGAN's BatchNorm over their batches. */
  dataParallel?: DataParallel;
}

/** What the head computed in the backward pass; kept tensors the owner disposes. */
export interface GanHeadValues {
  l1: tf.Scalar;
  rec: tf.Scalar;
  perceptual?: tf.Scalar;
  gan: tf.Scalar;
  /** The adaptive weight before discWeight (clamped ratio of the last-layer gradient norms). */
  ratio: tf.Scalar;
}

export interface GanHead {
  /**
   * rec + w * g as one tape node over the reconstruction. Its forward value is 0
   * (w is known only in the backward pass); the losses are in `values()` once
   * the gradients have been taken.
   */
  apply(reconstruction: tf.Tensor4D, lastLayerInput: tf.Tensor4D): tf.Scalar;
  values(): GanHeadValues;
  dispose(): void;
}

/**
 * The generator's loss heads for the one-pass adaptive GAN weight (METHOD.md §5).
 * In the backward pass, at the reconstruction x^, it takes d rec/d x^ (L1 +
 * perceptual) and d g/d x^ (the PatchGAN), the last layer's two kernel
 * gradients from them (`lastLayerWeightGrad`), the weight
 * w = discWeight * clamp(|grad rec| / (|grad g| + 1e-4)), and sends
 * d rec/d x^ + w * d g/d x^ on through the generator: one generator backward
 * instead of two full passes, the same gradients up to float rounding.
 *
 * @example
 * const head = createGanHead({ batch, discriminator, model, perceptualWeight: 0.1, discWeight: 0.8, maxAdaptiveWeight: 1e4 });
 * const { grads } = tf.variableGrads(() => {
 *   const out = model.forward(batch, { training: true, keepLastLayerInput: true });
 *   return tf.add(head.apply(out.reconstruction, out.lastLayerInput!), out.quantLoss);
 * }, vars);
 * const w = head.values().ratio.dataSync()[0] * 0.8;
 */
export function createGanHead(options: GanHeadOptions): GanHead {
  const kept: Partial<GanHeadValues> = {};
  let lastInput: tf.Tensor4D | undefined;

  const backward = (x: tf.Tensor4D, dy: tf.Tensor): tf.Tensor => {
    const rec = tf.valueAndGrad((r: tf.Tensor4D) => {
      const parts = reconstructionLoss(options.batch, r, options.perceptual, options.perceptualWeight);
      kept.l1 = tf.keep(parts.l1);
      if (parts.perceptual != null) kept.perceptual = tf.keep(parts.perceptual);
      return parts.rec;
    })(x);
    const dp = options.dataParallel;
    const gen = tf.valueAndGrad((r: tf.Tensor4D) => generatorLoss(options.discriminator.apply(r, { sum: dp?.sum })))(x);
    const h = lastInput as tf.Tensor4D;
    let last = { rec: options.model.lastLayerWeightGrad(h, rec.grad as tf.Tensor4D), gen: options.model.lastLayerWeightGrad(h, gen.grad as tf.Tensor4D) };
    // The whole batch's last-layer gradients (a collective inside the backward pass: every rank runs the same one).
    if (dp != null) last = dp.mean(last) as typeof last;
    const ratio = adaptiveWeightRatio(last.rec, last.gen, {
      discWeight: options.discWeight, maxWeight: options.maxAdaptiveWeight,
    });
    kept.rec = tf.keep(rec.value);
    kept.gan = tf.keep(gen.value);
    kept.ratio = tf.keep(ratio);
    return tf.mul(tf.add(rec.grad, tf.mul(gen.grad, tf.mul(ratio, options.discWeight))), dy);
  };

  const node = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return { value: tf.zeros([]), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => nestedGradients(() => backward(saved[0] as tf.Tensor4D, dy)) };
  }) as never) as unknown as (x: tf.Tensor) => tf.Tensor;

  return {
    apply(reconstruction, lastLayerInput) {
      tf.dispose(lastInput);
      lastInput = tf.keep(lastLayerInput);
      return node(reconstruction) as tf.Scalar;
    },
    values() {
      if (kept.l1 == null || kept.rec == null || kept.gan == null || kept.ratio == null) {
        throw new Error('the GAN head has no values: take the gradients of its output first');
      }
      return kept as GanHeadValues;
    },
    dispose() {
      const all: Array<tf.Tensor | undefined> = [lastInput, kept.l1, kept.rec, kept.perceptual, kept.gan, kept.ratio];
      tf.dispose(all.filter((t): t is tf.Tensor => t != null));
      lastInput = undefined;
    },
  };
}
