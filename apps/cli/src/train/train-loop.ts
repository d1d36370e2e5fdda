import type { LaunchEnv } from '@vqct/backend-torch';
import type { ImageDataset, StepEvent, TrainerState } from '@vqct/vq';
import { BatchLoader, Trainer } from '@vqct/vq';
import { saveCheckpoint } from '@vqct/vq/node';
import { writePng } from '../io/images';
import type { Output } from '../output';
import type { RunDir } from '../run-dir';
import type { DataParallelJob } from './data-parallel-job';
import type { RunSettings } from './settings';
import { stopOnSignals } from './stop-signals';
import { createTrainProgress } from './train-progress';
import type { StopReason } from './train-result';
import type { TrainingParts } from './training-parts';

export interface TrainLoopContext {
  run: RunDir;
  ds: ImageDataset;
  parts: TrainingParts;
  settings: RunSettings;
  /** The trainer state of a resume; null for a new run. */
  resumed: TrainerState | null;
  job: DataParallelJob | null;
  env: LaunchEnv | null;
  primary: boolean;
  /** Date.now() when the invocation started (metrics.jsonl's `time`). */
  startedAt: number;
  maxSeconds?: number;
  out: Output;
}

export interface TrainLoopResult {
  stopped: StopReason;
  startStep: number;
  completed: number;
  trainSeconds: number;
  events: StepEvent[];
  /** Sample grids written (names in samples/). */
  samples: string[];
  skippedImages: number;
}

class Stop extends Error {
  constructor(readonly reason: StopReason) {
    super(reason);
  }
}

/** Index = the code ranks agree on (0: go on). */
const STOP_REASONS = [null, 'interrupted', 'time-limit'] as const;

/**
 * Runs the Trainer to the target step, a time limit or a signal, always ending
 * on a checkpoint (rank 0 writes it, with the sample grids and metrics.jsonl).
 * Data-parallel workers stop together, at the same step.
 */
export async function trainLoop(c: TrainLoopContext): Promise<TrainLoopResult> {
  const { run, parts, primary } = c;
  const train = c.settings.train;
  const workers = c.env?.worldSize ?? 1;
  const shard = c.env != null ? { rank: c.env.rank, worldSize: c.env.worldSize } : undefined;
  const loader = new BatchLoader(c.ds, { batchSize: train.batchSize, seed: train.seed, state: c.resumed?.data, shard });
  const events: StepEvent[] = [];
  const samples: string[] = [];
  const deadline = c.maxSeconds != null ? Date.now() + c.maxSeconds * 1000 : Infinity;
  const progress = createTrainProgress(c.out, train.steps, Number.isFinite(deadline) ? deadline : undefined);
  let stopRequested: StopReason | null = null;
  let savedStep = c.resumed?.step ?? -1;
  let pending: Promise<unknown> = Promise.resolve();
  const save = async (state: TrainerState): Promise<void> => {
    if (!primary) return;
    await pending;
    saveCheckpoint(run.checkpoints, parts.step.state(), { modelConfig: parts.model.config, trainConfig: c.settings, priorDigest: parts.digest, ...state }, { keepEvery: c.settings.keepEvery ?? 0 });
    savedStep = state.step;
    run.commit();
  };
  const signals = stopOnSignals(c.out, progress, () => { stopRequested = 'interrupted'; }, () => savedStep);
  try {
    const trainer = new Trainer(parts.step, loader, { steps: train.steps, seed: train.seed, checkpointEvery: train.checkpointEvery, sampleEvery: train.sampleEvery, sampleCount: train.sampleCount, primary }, {
      onStep: (e) => {
        events.push(e);
        if (primary) run.appendMetrics({ step: e.step, epoch: e.epoch, time: (Date.now() - c.startedAt) / 1000, imagesPerSecond: e.imagesPerSecond * workers, lr: e.learningRate, ...e.losses, usageAdjective: e.usage?.adjective, usageNoun: e.usage?.noun });
        progress.step(workers > 1 ? { ...e, imagesPerSecond: e.imagesPerSecond * workers } : e);
        if (stopRequested == null && Date.now() >= deadline && e.step < train.steps) stopRequested = 'time-limit';
        // Any rank's reason stops all.
        const reason = c.job != null ? STOP_REASONS[c.job.agreeOnStop(STOP_REASONS.indexOf(stopRequested as (typeof STOP_REASONS)[number]))] : stopRequested;
        if (reason != null) throw new Stop(reason);
      },
      onSamples: (e) => {
        const name = `step-${String(e.step).padStart(8, '0')}.png`;
        samples.push(name);
        // Written before the next checkpoint (which may move the staging folder into place).
        pending = pending.then(() => writePng(run.file('samples', name), e.grid, 4));
      },
      onCheckpoint: (s) => save(s),
    });
    if (c.resumed != null) trainer.resume(c.resumed);
    const startStep = trainer.completed;
    const t0 = Date.now();
    let stopped: StopReason = 'completed';
    try {
      await trainer.run();
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      stopped = e.reason;
    } finally {
      progress.stop();
    }
    const trainSeconds = (Date.now() - t0) / 1000;
    if (savedStep !== trainer.completed) await save(trainer.state());
    await pending;
    return { stopped, startStep, completed: trainer.completed, trainSeconds, events, samples, skippedImages: loader.state().skipped };
  } finally {
    signals.dispose();
  }
}
