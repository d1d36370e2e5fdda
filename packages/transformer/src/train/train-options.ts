import { resolveOrThrow } from '@vqct/core';
import { z } from 'zod';

/** Transformer training options (partial, user-facing). */
export interface TransformerTrainOptions {
  /** Train until this step (a resumed run continues up to it). */
  steps: number;
  batchSize: number;
  /** Adam's learning rate, constant. */
  learningRate: number;
  betas: [number, number];
  epsilon: number;
  /** Seeds data order and dropout. */
  seed: number;
  /** 0: only at the end. */
  checkpointEvery: number;
  /** Probability that a sequence trains without its condition (classifier-free guidance; 0: never). */
  conditionDropout: number;
}

export const defaultTransformerTrainOptions: TransformerTrainOptions = {
  steps: 1000,
  batchSize: 16,
  learningRate: 3e-4,
  betas: [0.9, 0.95],
  epsilon: 1e-8,
  seed: 0,
  checkpointEvery: 100,
  conditionDropout: 0,
};

const schema = z.strictObject({
  steps: z.number().int().min(0),
  batchSize: z.number().int().positive(),
  learningRate: z.number().positive(),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]),
  epsilon: z.number().positive(),
  seed: z.number().int(),
  checkpointEvery: z.number().int().min(0),
  conditionDropout: z.number().min(0).lt(1),
});

/**
 * Fills defaults and validates (one ConfigError listing every bad field).
 * @example resolveTransformerTrainOptions({ steps: 500, batchSize: 32 }).learningRate; // 3e-4
 */
export function resolveTransformerTrainOptions(options: Partial<TransformerTrainOptions> = {}, file?: string): TransformerTrainOptions {
  return resolveOrThrow(schema, { ...defaultTransformerTrainOptions, ...options }, 'transformer training options', file) as TransformerTrainOptions;
}
