import type { DataOrderState } from '../data/types';
import type { SampleGrid } from './sample-grid';

/** Sent after every step. */
export interface StepEvent {
  step: number;
  epoch: number;
  losses: Record<string, number>;
  usage?: { adjective: number; noun: number };
  /** The learning rate of this step's update (where the step reports it). */
  learningRate?: number;
  /** Images per second over this step. */
  imagesPerSecond: number;
  /** Estimated seconds left to `steps`, from the mean step time of this run. */
  etaSeconds: number;
}

export interface SamplesEvent {
  step: number;
  grid: SampleGrid;
}

/** What a checkpoint records besides the weights. */
export interface TrainerState {
  /** Steps completed. */
  step: number;
  epoch: number;
  data: DataOrderState;
  /** The trainer's RNG (per-step forward seeds). */
  rng: number[];
  /** Latest losses, for the sidecar. */
  metrics: Record<string, number>;
}

/** Callbacks a Trainer reports through (minGPT-style); all optional. */
export interface TrainerCallbacks {
  onStep?(event: StepEvent): void;
  onSamples?(event: SamplesEvent): void;
  /** Called every `checkpointEvery` steps and at the end, only after a finite step. Awaited. */
  onCheckpoint?(state: TrainerState): Promise<void> | void;
}
