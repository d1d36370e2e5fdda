import * as tf from '@tensorflow/tfjs-core';
import { l1Loss } from './l1';

/** Anything that measures a differentiable perceptual distance (mean over the batch). */
export interface PerceptualDistance {
  readonly name: string;
  distance(x: tf.Tensor4D, y: tf.Tensor4D): tf.Scalar;
}

export interface ReconstructionParts {
  /** mean(l1 + perceptualWeight * perceptual): the `rec` of METHOD.md §5 */
  rec: tf.Scalar;
  l1: tf.Scalar;
  /** Absent when no perceptual net is used or its weight is 0. */
  perceptual?: tf.Scalar;
}

/**
 * rec = |x - x^| + perceptualWeight * perceptual(x, x^), averaged. Tensors
 * returned are new; the caller owns them (use inside tf.tidy / variableGrads).
 *
 * @example
 * const { rec, l1 } = reconstructionLoss(x, recon, undefined, 0);
 */
export function reconstructionLoss(
  x: tf.Tensor4D,
  recon: tf.Tensor4D,
  perceptual: PerceptualDistance | undefined,
  perceptualWeight: number,
): ReconstructionParts {
  const l1 = l1Loss(x, recon);
  if (perceptual == null || perceptualWeight === 0) return { rec: l1, l1 };
  const p = perceptual.distance(x, recon);
  return { rec: tf.add(l1, tf.mul(p, perceptualWeight)) as tf.Scalar, l1, perceptual: p };
}
