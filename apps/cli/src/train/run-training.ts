import { rmSync } from 'node:fs';
import { ConfigError } from '@vqct/core';
import type { LaunchEnv } from '@vqct/backend-torch';
import type { ImageDataset, TrainerState } from '@vqct/vq';
import { augmentedDataset, resolveLrSchedule, syncFromRankZero } from '@vqct/vq';
import { restoreCheckpoint } from '@vqct/vq/node';
import { stringify as toYaml } from 'yaml';
import { openDataset } from '../data';
import type { Output } from '../output';
import type { RunDir } from '../run-dir';
import { RunLock } from '../run-lock';
import { joinDataParallelJob, launchEnvOfProcess, type DataParallelJob } from './data-parallel-job';
import { finishRun } from './final-report';
import { startRun } from './run-start';
import type { RunSettings, TrainFlags } from './settings';
import { trainLoop } from './train-loop';
import { buildTrainingParts, type TrainingParts } from './training-parts';
import { workerResult, type TrainResult } from './train-result';

export type { StopReason, TrainResult } from './train-result';

export interface TrainRunOptions {
  out: string;
  resume?: boolean;
  /** Stop (with a checkpoint) after this many seconds of training. */
  maxSeconds?: number;
  /** The prior to use when none is given: `default` (cache) or a file path to build the default prior into. */
  defaultPriorFile?: string;
}

/**
 * `vqct train` as a function (the demo calls it too): resolves the settings,
 * opens the data, builds prior -> transfer net -> model, trains with
 * checkpoints, samples, metrics and plots in the run folder. SIGINT/SIGTERM
 * stop after the current step with a checkpoint. `--resume` continues from
 * the run's last checkpoint with its recorded settings.
 */
export async function runTraining(flags: TrainFlags, options: TrainRunOptions, out: Output): Promise<TrainResult> {
  const env = await launchEnvOfProcess();
  // Data-parallel ranks other than 0 write nothing into the run folder: rank 0 holds its lock.
  const lock = env == null || env.rank === 0 ? RunLock.acquire(options.out) : null;
  try {
    return await trainLocked(flags, options, out, env);
  } finally {
    lock?.release();
  }
}

async function trainLocked(flags: TrainFlags, options: TrainRunOptions, out: Output, env: LaunchEnv | null): Promise<TrainResult> {
  const startedAt = Date.now();
  const primary = env == null || env.rank === 0;
  const { run, settings, resumeFrom, init } = startRun(flags, options, out, env);
  const disposables: Array<{ dispose(): void }> = [];
  let job: DataParallelJob | null = null;
  try {
    const { useNodeBackend } = await import('@vqct/backend-node');
    const backend = await useNodeBackend();
    out.log(backend.line);
    if (env != null) job = await joinJob(env, backend.name, settings, out);
    const workers = env?.worldSize ?? 1;
    for (const note of settings.config?.ignored ?? []) out.log(`config: ignored ${note}`);
    const ds = await openRunData(settings, workers, resumeFrom != null, out);
    const parts = await buildTrainingParts({ flags, settings, run, ds, resumeFrom, init, job, primary, defaultPriorFile: options.defaultPriorFile, out, disposables });
    const resumed = resumeFrom != null ? restoreRun(run, resumeFrom, parts, settings, options.out, out) : recordRun(run, settings);
    if (job != null) {
      // Same seeds give the same init everywhere; the broadcast makes sure (and carries a resume).
      syncFromRankZero(parts.step.state(), job.dataParallel);
      parts.step.restored();
    }
    const loop = await trainLoop({ run, ds, parts, settings, resumed, job, env, primary, startedAt, maxSeconds: options.maxSeconds, out });
    const common = { stopped: loop.stopped, backend: backend.name, startStep: loop.startStep, targetSteps: settings.train.steps };
    if (!primary) return workerResult(run.target, { ...common, step: loop.completed, worldSize: env!.worldSize, rank: env!.rank });
    return await finishRun({
      ...common, run, ds, model: parts.model, trainStep: parts.step, prior: parts.prior, completed: loop.completed, startedAt, trainSeconds: loop.trainSeconds,
      batchSize: settings.train.batchSize, sampleCount: settings.train.sampleCount, workers, rank: env?.rank ?? 0, samples: loop.samples, events: loop.events, skippedImages: loop.skippedImages,
    });
  } catch (e) {
    run.abandon();
    throw e;
  } finally {
    for (const d of disposables.reverse()) d.dispose();
    job?.destroy();
    if (!primary) rmSync(run.path, { recursive: true, force: true });
  }
}

async function joinJob(env: LaunchEnv, backend: string, settings: RunSettings, out: Output): Promise<DataParallelJob> {
  const job = await joinDataParallelJob(env, backend);
  out.log(`distributed: rank ${env.rank} of ${env.worldSize} (c10d over ${env.masterAddr}:${env.masterPort}); batch ${settings.train.batchSize} per worker, ${settings.train.batchSize * env.worldSize} in all`);
  return job;
}

/** Opens the run's data (with its variants under --augment); `--epochs` (passes over the images themselves) becomes steps, and a new run fixes where its lr decay ends. */
async function openRunData(settings: RunSettings, workers: number, resuming: boolean, out: Output): Promise<ImageDataset> {
  const opened: ImageDataset = await openDataset({
    source: settings.data.source, size: settings.model.resolution, channels: settings.model.inChannels === 1 ? 1 : 3, limit: settings.data.limit,
    background: settings.data.background, emojiSplit: 'train', log: (line) => out.log(line),
  });
  const augment = settings.data.augment;
  const ds = augment != null ? augmentedDataset(opened, augment) : opened;
  out.log(`data: ${ds.name}, ${ds.size} images of ${ds.height}x${ds.width}x${ds.channels}${ds !== opened ? ` (${ds.size / opened.size} variants of each of ${opened.size})` : ''}`);
  if (settings.epochs != null) settings.train = { ...settings.train, steps: Math.ceil((settings.epochs * opened.size) / (settings.train.batchSize * workers)) };
  // A new run fixes where its lr decay ends (its steps now), so a later resume with a larger --steps keeps the curve.
  if (!resuming) settings.train = { ...settings.train, lrSchedule: resolveLrSchedule(settings.train.lrSchedule, settings.train.steps) };
  return ds;
}

/** A resume: the weights, optimizer and trainer state of the last checkpoint; metrics.jsonl cut back to it. */
function restoreRun(run: RunDir, resumeFrom: string, parts: TrainingParts, settings: RunSettings, dir: string, out: Output): TrainerState {
  const side = restoreCheckpoint(resumeFrom, parts.step.state(), { modelConfig: parts.model.config, priorDigest: parts.digest });
  parts.net?.invalidate();
  run.truncateMetrics(side.step);
  out.log(`resume: continuing from step ${side.step} of ${run.target}`);
  if (side.step >= settings.train.steps) throw new ConfigError(`--resume: the run is already at step ${side.step} of ${settings.train.steps}; pass a larger --steps to train further`, { file: dir });
  return { step: side.step, epoch: side.epoch, data: side.data, rng: side.rng, metrics: side.metrics };
}

/** A new run records its resolved settings: config.yaml (reusable with --config) and run.json (what --resume reads). */
function recordRun(run: RunDir, settings: RunSettings): null {
  run.write('config.yaml', `# resolved by vqct train; reusable with --config\n${toYaml({ model: settings.model, train: settings.train, discriminator: settings.discriminator })}`);
  run.write('run.json', `${JSON.stringify(settings, null, 2)}\n`);
  return null;
}
