import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Prior } from '@vqct/prior';
import type { ImageDataset, StepEvent, TrainStep, VqModel } from '@vqct/vq';
import { sampleGrid } from '@vqct/vq';
import { writePng } from '../io/images';
import { readImageRange } from '../read-images';
import type { RunDir } from '../run-dir';
import { countCodes, summarizeCounts } from './codes';
import { writeLossPlot, writeUsagePlot } from './plots';
import type { StopReason, TrainResult } from './train-result';

/** What a finished invocation did, for its last samples, plots and result. */
export interface FinishedRun {
  run: RunDir;
  ds: ImageDataset;
  model: VqModel;
  trainStep: TrainStep;
  prior: Prior | null;
  stopped: StopReason;
  backend: string;
  startStep: number;
  completed: number;
  targetSteps: number;
  /** Date.now() when the invocation started, and the seconds spent in the training loop. */
  startedAt: number;
  trainSeconds: number;
  batchSize: number;
  sampleCount: number;
  workers: number;
  rank: number;
  /** Sample grids written during training (names in samples/). */
  samples: string[];
  events: StepEvent[];
  skippedImages: number;
}

/** Writes samples/final.png (the first images and their reconstructions), the plots, and returns the result. */
export async function finishRun(f: FinishedRun): Promise<TrainResult> {
  const { run, model } = f;
  const samples = [...f.samples];
  if (await writeFinalSamples(f)) samples.push('final.png');
  const counts = await countCodes(model, f.ds, 256);
  const plots = [...(await writeLossPlot(run)), ...(await writeUsagePlot(run, counts, f.prior))];
  const steps = f.completed - f.startStep;
  const window = lossWindow(f.events.length);
  return {
    runDir: run.target,
    checkpoint: join(run.checkpoints, 'last.json'),
    stopped: f.stopped,
    backend: f.backend,
    startStep: f.startStep,
    step: f.completed,
    targetSteps: f.targetSteps,
    seconds: (Date.now() - f.startedAt) / 1000,
    stepsPerSecond: steps / Math.max(f.trainSeconds, 1e-9),
    imagesPerSecond: (steps * f.batchSize * f.workers) / Math.max(f.trainSeconds, 1e-9),
    // Windows of up to 10 steps that do not overlap, so short runs compare their two halves.
    loss: { first: meanLosses(f.events.slice(0, window)), last: meanLosses(f.events.slice(f.events.length - window)) },
    usage: { images: counts.images, adjective: summarizeCounts(counts.adjective), noun: summarizeCounts(counts.noun) },
    codebook: { kAdj: model.config.kAdj, kNoun: model.config.kNoun },
    files: { config: run.file('config.yaml'), run: run.file('run.json'), metrics: run.file('metrics.jsonl'), samples: samples.map((s) => run.file('samples', s)).filter((s) => existsSync(s)), plots },
    skippedImages: f.skippedImages,
    workers: f.workers,
    rank: f.rank,
  };
}

/** A last sample grid from the final weights; false when the data gave no images. */
async function writeFinalSamples(f: FinishedRun): Promise<boolean> {
  const { ds } = f;
  const { pixels, count } = await readImageRange(ds, 0, f.sampleCount);
  if (count === 0) return false;
  const xs = tf.tensor4d(pixels, [count, ds.height, ds.width, ds.channels]);
  const recons = f.trainStep.sample(xs);
  const grid = sampleGrid(xs, recons);
  tf.dispose([xs, recons]);
  await writePng(f.run.file('samples', 'final.png'), grid, 4);
  return true;
}

function lossWindow(n: number): number {
  return Math.max(1, Math.min(10, Math.floor(n / 2)));
}

function meanLosses(events: StepEvent[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const e of events) for (const [k, v] of Object.entries(e.losses)) sums[k] = (sums[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(events.length, 1)]));
}
