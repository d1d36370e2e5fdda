import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import type { BatchLoader } from '../data/batch-loader';
import type { TrainerCallbacks, TrainerState } from './events';
import { sampleGrid } from './sample-grid';
import type { TrainStep } from './types';

export interface TrainerOptions {
  /** Run until this many steps are completed. */
  steps: number;
  seed: number;
  checkpointEvery: number;
  sampleEvery: number;
  sampleCount: number;
  /**
   * false on the data-parallel workers other than rank 0: they train in lockstep
   * but neither sample nor checkpoint (onSamples/onCheckpoint are not called). Default true.
   */
  primary?: boolean;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/**
 * Runs a `TrainStep` over batches and reports through callbacks; it knows
 * nothing about what is trained (minGPT-style). Per-step forward seeds come
 * from a seeded RNG whose state, with the data order, is part of `state()`,
 * so `resume(state)` continues exactly. A NumericError from the step ends
 * `run()` before any checkpoint callback, so the last good checkpoint stays.
 *
 * @example
 * const trainer = new Trainer(createVqganStep({ model, learningRate }), loader, { steps: 100, seed: 1, checkpointEvery: 50, sampleEvery: 0, sampleCount: 4 },
 *   { onStep: (e) => bar.update(e.step), onCheckpoint: (s) => saveCheckpoint(dir, step.state(), { ...meta, trainer: s }) });
 * await trainer.run();
 */
export class Trainer {
  private stepCount = 0;
  private rng: Rng;
  private metrics: Record<string, number> = {};

  constructor(
    readonly step: TrainStep,
    readonly loader: BatchLoader,
    readonly options: TrainerOptions,
    readonly callbacks: TrainerCallbacks = {},
  ) {
    this.rng = new Rng(options.seed);
  }

  /** Continues from a checkpoint's trainer state (variables are restored separately). */
  resume(state: TrainerState): void {
    this.stepCount = state.step;
    this.rng = Rng.fromState(state.rng);
    this.metrics = { ...state.metrics };
    // The loader is rebuilt by the caller with `state.data`; check it matches.
    const d = this.loader.state();
    if (d.epoch !== state.data.epoch || d.cursor !== state.data.cursor || d.seed !== state.data.seed) {
      throw new RangeError('Trainer.resume: the loader must be created with the checkpoint\'s data state');
    }
  }

  /** Steps completed so far. */
  get completed(): number {
    return this.stepCount;
  }

  state(): TrainerState {
    const data = this.loader.state();
    return { step: this.stepCount, epoch: data.epoch, data, rng: this.rng.state(), metrics: { ...this.metrics } };
  }

  /** Runs until `options.steps` steps are completed. */
  async run(): Promise<TrainerState> {
    const { steps, checkpointEvery, sampleEvery, sampleCount } = this.options;
    const primary = this.options.primary ?? true;
    const started = now();
    const first = this.stepCount;
    while (this.stepCount < steps) {
      // Yield to the event loop once per step: an in-memory loader resolves at
      // once (microtasks only), so without this, signal handlers (Ctrl-C),
      // timers and UI updates would wait for the whole run.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      const t0 = now();
      const batch = await this.loader.next();
      try {
        const seed = this.rng.nextUint32();
        // runAsync where the step has it: no synchronous read-back (GPU backends).
        const report = this.step.runAsync != null
          ? await this.step.runAsync(batch, this.stepCount, seed)
          : this.step.run(batch, this.stepCount, seed);
        this.stepCount += 1;
        this.metrics = report.losses;
        const t1 = now();
        const perStep = (t1 - started) / (this.stepCount - first);
        this.callbacks.onStep?.({
          step: this.stepCount,
          epoch: this.loader.state().epoch,
          losses: report.losses,
          usage: report.usage,
          learningRate: report.learningRate,
          imagesPerSecond: batch.shape[0] / Math.max((t1 - t0) / 1000, 1e-9),
          etaSeconds: ((steps - this.stepCount) * perStep) / 1000,
        });
        if (primary && sampleEvery > 0 && this.stepCount % sampleEvery === 0 && this.callbacks.onSamples != null) {
          const n = Math.min(sampleCount, batch.shape[0]);
          const x = tf.slice(batch, 0, n);
          const recon = this.step.sample(x);
          const grid = sampleGrid(x, recon);
          tf.dispose([x, recon]);
          this.callbacks.onSamples({ step: this.stepCount, grid });
        }
      } finally {
        batch.dispose();
      }
      const due = checkpointEvery > 0 && this.stepCount % checkpointEvery === 0;
      if (primary && (due || this.stepCount === steps)) await this.callbacks.onCheckpoint?.(this.state());
    }
    return this.state();
  }
}
