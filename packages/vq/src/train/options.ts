import { resolveOrThrow } from '@vqct/core';
import { z } from 'zod';
import type { LossOptions, ResolvedLossOptions } from '../losses/options';
import { defaultLossOptions, lossOptionsSchema } from '../losses/options';
import type { LrSchedule } from './lr-schedule';
import { defaultLrSchedule, learningRateFactor, lrScheduleSchema } from './lr-schedule';

/** Training options (partial, user-facing). */
export interface TrainOptions {
  /** Steps to run in total (a resumed run continues up to this step). */
  steps?: number;
  batchSize?: number;
  /** Data-parallel devices; only scales the learning rate here, like the authors'. */
  devices?: number;
  /** Per-image base learning rate (authors: 4.5e-6); lr = baseLearningRate x batchSize x devices. */
  baseLearningRate?: number;
  betas?: [number, number];
  epsilon?: number;
  /**
   * Multiplier of the learning rate for the codebook source (the transfer net);
   * default 1, one rate for every weight as the authors train.
   */
  codebookLearningRateScale?: number;
  /** Seeds data order and per-step forward randomness. */
  seed?: number;
  /** Write a checkpoint every this many steps (0 = only at the end). */
  checkpointEvery?: number;
  /** Emit a sample grid every this many steps (0 = never). */
  sampleEvery?: number;
  /** Images in a sample grid. */
  sampleCount?: number;
  loss?: LossOptions;
  /** Warm-up and decay of the learning rate (default: constant, no warm-up). */
  lrSchedule?: Partial<LrSchedule>;
}

export interface ResolvedTrainOptions extends Required<Omit<TrainOptions, 'loss' | 'lrSchedule' | 'codebookLearningRateScale'>> {
  loss: ResolvedLossOptions;
  lrSchedule: LrSchedule;
  /** Absent in runs recorded before the option: 1. */
  codebookLearningRateScale?: number;
}

export const defaultTrainOptions: ResolvedTrainOptions = {
  steps: 1000,
  batchSize: 8,
  devices: 1,
  baseLearningRate: 4.5e-6,
  betas: [0.5, 0.9],
  epsilon: 1e-8,
  codebookLearningRateScale: 1,
  seed: 0,
  checkpointEvery: 0,
  sampleEvery: 0,
  sampleCount: 8,
  loss: defaultLossOptions,
  lrSchedule: defaultLrSchedule,
};

export const trainOptionsSchema = z.strictObject({
  steps: z.number().int().min(0),
  batchSize: z.number().int().positive(),
  devices: z.number().int().positive(),
  baseLearningRate: z.number().positive(),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]),
  epsilon: z.number().positive(),
  codebookLearningRateScale: z.number().min(0),
  seed: z.number().int(),
  checkpointEvery: z.number().int().min(0),
  sampleEvery: z.number().int().min(0),
  sampleCount: z.number().int().positive(),
  loss: lossOptionsSchema,
  lrSchedule: lrScheduleSchema,
});

/**
 * Fills defaults and validates (ConfigError listing every bad field).
 * @example
 * const o = resolveTrainOptions({ batchSize: 4, loss: { discStart: 100 } });
 * learningRate(o); // 4.5e-6 * 4
 */
export function resolveTrainOptions(options: TrainOptions = {}, file?: string): ResolvedTrainOptions {
  const merged = { ...defaultTrainOptions, ...options, loss: { ...defaultLossOptions, ...options.loss }, lrSchedule: { ...defaultLrSchedule, ...options.lrSchedule } };
  return resolveOrThrow(trainOptionsSchema, merged, 'training options', file) as ResolvedTrainOptions;
}

/** lr = baseLearningRate x batchSize x devices (the authors' scaling). */
export function learningRate(o: Pick<ResolvedTrainOptions, 'baseLearningRate' | 'batchSize' | 'devices'>): number {
  return o.baseLearningRate * o.batchSize * o.devices;
}

/**
 * The learning rate of the update at `step` (0-based): the peak lr times the schedule's factor.
 * Options without a schedule (runs from before it existed) stay constant.
 */
export function learningRateAt(o: Pick<ResolvedTrainOptions, 'baseLearningRate' | 'batchSize' | 'devices'> & { lrSchedule?: LrSchedule }, step: number): number {
  return learningRate(o) * (o.lrSchedule != null ? learningRateFactor(o.lrSchedule, step) : 1);
}
