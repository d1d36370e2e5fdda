import { resolveOrThrow } from '@vqct/core';
import { z } from 'zod';

/** Loss weights of METHOD.md §5 (taming's `lossconfig.params`), all optional. */
export interface LossOptions {
  /** Weight of the perceptual term inside rec (authors: 1.0); ignored without a perceptual net. */
  perceptualWeight?: number;
  /** Multiplies the adaptive GAN weight (authors: 0.8). */
  discWeight?: number;
  /** First step at which the discriminator trains and the GAN term counts (authors: 10000). */
  discStart?: number;
  /** Weight of the quantizer loss (authors: 1.0). */
  codebookWeight?: number;
  /** Upper clamp of the adaptive weight (authors: 1e4). */
  maxAdaptiveWeight?: number;
}

export type ResolvedLossOptions = Required<LossOptions>;

export const defaultLossOptions: ResolvedLossOptions = {
  perceptualWeight: 1.0,
  discWeight: 0.8,
  discStart: 10000,
  codebookWeight: 1.0,
  maxAdaptiveWeight: 1e4,
};

export const lossOptionsSchema = z.strictObject({
  perceptualWeight: z.number().min(0),
  discWeight: z.number().min(0),
  discStart: z.number().int().min(0),
  codebookWeight: z.number().min(0),
  maxAdaptiveWeight: z.number().positive(),
});

/**
 * Fills defaults and validates.
 * @example
 * resolveLossOptions({ discStart: 0 }).discWeight; // 0.8
 */
export function resolveLossOptions(options: LossOptions = {}): ResolvedLossOptions {
  return resolveOrThrow(lossOptionsSchema, { ...defaultLossOptions, ...options }, 'loss options');
}
