import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import { priorDigest } from '@vqct/prior';
import { loadPrior } from '@vqct/prior/node';
import { createTransferNet, type TransferNet } from '@vqct/transfer-net';
import type { ImageDataset, StepEvent, TrainerState, VqModel } from '@vqct/vq';
import type { LaunchEnv } from '@vqct/backend-torch';
import { BatchLoader, PatchDiscriminator, Trainer, createCaptionAlignmentTerm, createVqModel, createVqganStep, learningRate, learningRateAt, parseCheckpointSidecar, resolveLrSchedule, sampleGrid, syncFromRankZero } from '@vqct/vq';
import { loadMobileNetPerceptual, restoreCheckpoint, saveCheckpoint } from '@vqct/vq/node';
import { stringify as toYaml } from 'yaml';
import { openDataset } from '../data';
import { defaultPrior } from '../default-prior';
import { writePng } from '../io/images';
import type { Output } from '../output';
import { RunDir } from '../run-dir';
import { RunLock } from '../run-lock';
import { countCodes, summarizeCounts } from './codes';
import { readInitCheckpoint, restoreInitWeights, type InitCheckpoint } from './init-weights';
import { joinDataParallelJob, launchEnvOfProcess, type DataParallelJob } from './data-parallel-job';
import { writeLossPlot, writeUsagePlot } from './plots';
import type { RunSettings, TrainFlags } from './settings';
import { describeLearningRate, resolveRunSettings } from './settings';
import { stopOnSignals } from './stop-signals';
import { createTrainProgress } from './train-progress';

/** Why a run ended. */
export type StopReason = 'completed' | 'interrupted' | 'time-limit';

/** The `--json` result of `vqct train` (README.md documents it). */
export interface TrainResult {
  runDir: string;
  checkpoint: string;
  stopped: StopReason;
  backend: string;
  startStep: number;
  step: number;
  targetSteps: number;
  seconds: number;
  stepsPerSecond: number;
  imagesPerSecond: number;
  /** Mean losses of the first and last (up to) 10 steps of this invocation. */
  loss: { first: Record<string, number>; last: Record<string, number> };
  usage: { images: number; adjective: ReturnType<typeof summarizeCounts>; noun: ReturnType<typeof summarizeCounts> };
  codebook: { kAdj: number; kNoun: number };
  files: { config: string; run: string; metrics: string; samples: string[]; plots: string[] };
  skippedImages: number;
  /** Data-parallel workers (1: a single process); batch and img/s above are totals over them. */
  workers: number;
  /** This worker's rank (only rank 0 writes the run folder). */
  rank: number;
}

export interface TrainRunOptions {
  out: string;
  resume?: boolean;
  /** Stop (with a checkpoint) after this many seconds of training. */
  maxSeconds?: number;
  /** The prior to use when none is given: `default` (cache) or a file path to build the default prior into. */
  defaultPriorFile?: string;
}

class Stop extends Error {
  constructor(readonly reason: StopReason) {
    super(reason);
  }
}

function lossWindow(n: number): number {
  return Math.max(1, Math.min(10, Math.floor(n / 2)));
}

function meanLosses(events: StepEvent[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const e of events) for (const [k, v] of Object.entries(e.losses)) sums[k] = (sums[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(events.length, 1)]));
}

async function resolvePrior(flags: TrainFlags, out: Output, defaultFile?: string, init?: InitCheckpoint | null): Promise<{ prior: Prior; source: string }> {
  if (flags.prior != null) return { prior: loadPrior(flags.prior), source: flags.prior };
  if (init?.prior != null && init.priorFile != null) return { prior: init.prior, source: init.priorFile };
  const d = await defaultPrior(out, defaultFile);
  return { prior: d.prior, source: d.file };
}

/** The dataset's `caption(i)` (the emoji datasets); ConfigError for data without captions. */
function captionsOf(ds: ImageDataset, source: string): (index: number) => string | null {
  const caption = (ds as { caption?: unknown }).caption;
  if (typeof caption !== 'function') throw new ConfigError(`--align-weight needs captioned data (emoji); --data ${source} has no captions`);
  return (i) => (caption as (i: number) => string).call(ds, i);
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

/** Where a data-parallel rank other than 0 writes what it must not put into the run folder (removed at the end). */
function scratchRun(env: LaunchEnv): RunDir {
  return RunDir.create(join(tmpdir(), `vqct-train-rank${env.rank}-${process.pid}`));
}

async function trainLocked(flags: TrainFlags, options: TrainRunOptions, out: Output, env: LaunchEnv | null): Promise<TrainResult> {
  const started = Date.now();
  const primary = env == null || env.rank === 0;
  let run: RunDir;
  let settings: RunSettings;
  let resumeFrom: string | null = null;
  if (options.resume === true) {
    const source = RunDir.open(options.out);
    resumeFrom = source.checkpoints;
    run = primary ? source : scratchRun(env!);
    let recorded: RunSettings;
    try {
      recorded = JSON.parse(readFileSync(source.file('run.json'), 'utf8')) as RunSettings;
    } catch (e) {
      throw new ConfigError(`--resume: cannot read the run's settings (${(e as Error).message.split('\n')[0]})`, { file: source.file('run.json'), cause: e });
    }
    const last = parseCheckpointSidecar(readFileSync(join(resumeFrom, 'last.json'), 'utf8'), join(resumeFrom, 'last.json'));
    const extend = flags.steps ?? (flags.epochs != null ? null : Math.max(recorded.train.steps, last.step));
    settings = { ...recorded, train: { ...recorded.train, steps: extend ?? recorded.train.steps }, epochs: flags.epochs ?? (flags.steps != null ? null : recorded.epochs) };
    const ignored = (['config', 'preset', 'data', 'prior', 'quantizer', 'transfer', 'batchSize', 'lr', 'lrSchedule', 'warmupSteps', 'lrFinal', 'seed', 'limit', 'background', 'discStart', 'init', 'alignWeight', 'alignPool', 'alignGradient', 'alignTemperature', 'alignWeighting'] as const).filter((k) => flags[k] != null);
    if (ignored.length > 0) out.log(`--resume: using the run's recorded settings; ignoring ${ignored.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
  } else {
    settings = resolveRunSettings(flags);
    if (env != null) settings.train = perWorker(settings.train, env.worldSize, flags.lr);
    run = primary ? RunDir.create(options.out) : scratchRun(env!);
  }
  const init = resumeFrom == null && flags.init != null ? readInitCheckpoint(flags.init) : null;
  if (init != null) settings.init = { checkpoint: init.sidecarFile, step: init.sidecar.step };

  const disposables: Array<{ dispose(): void }> = [];
  let signals: { dispose(): void } | null = null;
  let job: DataParallelJob | null = null;
  try {
    const { useNodeBackend } = await import('@vqct/backend-node');
    const backend = await useNodeBackend();
    out.log(backend.line);
    if (env != null) {
      job = await joinDataParallelJob(env, backend.name);
      out.log(`distributed: rank ${env.rank} of ${env.worldSize} (c10d over ${env.masterAddr}:${env.masterPort}); batch ${settings.train.batchSize} per worker, ${settings.train.batchSize * env.worldSize} in all`);
    }
    const workers = env?.worldSize ?? 1;
    for (const note of settings.config?.ignored ?? []) out.log(`config: ignored ${note}`);
    const ds: ImageDataset & { skipped?: unknown[] } = await openDataset({
      source: settings.data.source, size: settings.model.resolution, channels: settings.model.inChannels === 1 ? 1 : 3, limit: settings.data.limit,
      background: settings.data.background, emojiSplit: 'train', log: (line) => out.log(line),
    });
    out.log(`data: ${ds.name}, ${ds.size} images of ${ds.height}x${ds.width}x${ds.channels}`);
    if (settings.epochs != null) settings.train = { ...settings.train, steps: Math.ceil((settings.epochs * ds.size) / (settings.train.batchSize * workers)) };
    // A new run fixes where its lr decay ends (its steps now), so a later resume with a larger --steps keeps the curve.
    if (resumeFrom == null) settings.train = { ...settings.train, lrSchedule: resolveLrSchedule(settings.train.lrSchedule, settings.train.steps) };

    let prior: Prior | null = null;
    if (settings.model.quantizer === 'vqct') {
      if (resumeFrom != null) {
        prior = loadPrior(join(resumeFrom, settings.prior?.file ?? 'prior.safetensors'));
      } else {
        // Rank 0 builds (and caches) the default prior first; the others then read it.
        if (job != null && primary) job.barrier();
        const p = await resolvePrior(flags, out, options.defaultPriorFile, init);
        if (job != null && !primary) job.barrier();
        prior = p.prior;
        settings.prior = { file: 'prior.safetensors', digest: priorDigest(prior), source: p.source };
        copyFileSync(p.source, join(run.checkpoints, 'prior.safetensors'));
      }
      out.log(`prior: K ${prior.kAdj + prior.kNoun} = ${prior.kAdj} adjectives + ${prior.kNoun} nouns, dim ${prior.dim}, ${prior.edgeWeight.length} edges`);
    }
    const digest = prior != null ? priorDigest(prior) : null;

    let net: TransferNet | null = null;
    if (prior != null && settings.transfer != null) {
      net = createTransferNet(prior, { ...settings.transfer, codeDim: settings.model.codeDim });
      disposables.push(net);
    }
    const model: VqModel = createVqModel(settings.model, { codebook: net ?? undefined, seed: settings.train.seed });
    disposables.push(model);
    const disc = new PatchDiscriminator(settings.discriminator);
    disposables.push(disc);
    const perceptual = settings.perceptual ? loadMobileNetPerceptual() : undefined;
    if (perceptual != null) disposables.push(perceptual.net);
    const train = settings.train;
    if (init != null) {
      restoreInitWeights(init, model, net, prior);
      out.log(`init: the model and transfer-net weights of ${init.sidecarFile} (step ${init.sidecar.step}); optimizer and step start afresh`);
    }
    const alignment = settings.alignment != null && prior != null && net != null
      ? createCaptionAlignmentTerm({ codebook: net, vocabulary: prior, captionOf: captionsOf(ds, settings.data.source), items: ds.size, alignment: settings.alignment })
      : undefined;
    if (alignment != null) out.log(`alignment: weight ${alignment.options.weight}, pool ${alignment.options.pool}, gradient ${alignment.options.gradient}, temperature ${alignment.options.temperature}, weighting ${alignment.options.weighting}`);
    const step = createVqganStep({
      model, codebook: net ?? undefined, discriminator: disc, perceptual, loss: train.loss,
      learningRate: learningRate(train), learningRateAt: (at) => learningRateAt(train, at), betas: train.betas, epsilon: train.epsilon,
      kAdj: model.config.kAdj, kNoun: model.config.kNoun, auxiliary: alignment, dataParallel: job?.dataParallel,
    });
    disposables.push(step);
    out.log(`model: ${settings.model.quantizer} quantizer, ${model.parameterCount().toLocaleString('en-US')} parameters, codebook ${model.config.kAdj} + ${model.config.kNoun}, ${describeLearningRate(train)}, batch ${train.batchSize}`);

    let resumed: TrainerState | null = null;
    if (resumeFrom != null) {
      const side = restoreCheckpoint(resumeFrom, step.state(), { modelConfig: model.config, priorDigest: digest });
      net?.invalidate();
      resumed = { step: side.step, epoch: side.epoch, data: side.data, rng: side.rng, metrics: side.metrics };
      run.truncateMetrics(side.step);
      out.log(`resume: continuing from step ${side.step} of ${run.target}`);
      if (side.step >= train.steps) throw new ConfigError(`--resume: the run is already at step ${side.step} of ${train.steps}; pass a larger --steps to train further`, { file: options.out });
    } else {
      run.write('config.yaml', `# resolved by vqct train; reusable with --config\n${toYaml({ model: settings.model, train: settings.train, discriminator: settings.discriminator })}`);
      run.write('run.json', `${JSON.stringify(settings, null, 2)}\n`);
    }

    if (job != null) {
      // Same seeds give the same init everywhere; the broadcast makes sure (and carries a resume).
      syncFromRankZero(step.state(), job.dataParallel);
      step.restored();
    }
    const shard = env != null ? { rank: env.rank, worldSize: env.worldSize } : undefined;
    const loader = new BatchLoader(ds, { batchSize: train.batchSize, seed: train.seed, state: resumed?.data, shard });
    const events: StepEvent[] = [];
    const samples: string[] = [];
    const deadline = options.maxSeconds != null ? Date.now() + options.maxSeconds * 1000 : Infinity;
    const progress = createTrainProgress(out, train.steps, Number.isFinite(deadline) ? deadline : undefined);
    let stopRequested: StopReason | null = null;
    let savedStep = resumed?.step ?? -1;
    let pending: Promise<unknown> = Promise.resolve();
    const save = async (state: TrainerState): Promise<void> => {
      if (!primary) return;
      await pending;
      saveCheckpoint(run.checkpoints, step.state(), { modelConfig: model.config, trainConfig: settings, priorDigest: digest, ...state });
      savedStep = state.step;
      run.commit();
    };
    signals = stopOnSignals(out, progress, () => { stopRequested = 'interrupted'; }, () => savedStep);
    const trainer = new Trainer(step, loader, { steps: train.steps, seed: train.seed, checkpointEvery: train.checkpointEvery, sampleEvery: train.sampleEvery, sampleCount: train.sampleCount, primary }, {
      onStep: (e) => {
        events.push(e);
        if (primary) run.appendMetrics({ step: e.step, epoch: e.epoch, time: (Date.now() - started) / 1000, imagesPerSecond: e.imagesPerSecond * workers, lr: e.learningRate, ...e.losses, usageAdjective: e.usage?.adjective, usageNoun: e.usage?.noun });
        progress.step(workers > 1 ? { ...e, imagesPerSecond: e.imagesPerSecond * workers } : e);
        if (stopRequested == null && Date.now() >= deadline && e.step < train.steps) stopRequested = 'time-limit';
        // Workers stop together, at the same step: any rank's reason stops all.
        const reason = job != null ? STOP_REASONS[job.agreeOnStop(STOP_REASONS.indexOf(stopRequested as (typeof STOP_REASONS)[number]))] : stopRequested;
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
    if (resumed != null) trainer.resume(resumed);
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
    signals.dispose();
    if (!primary) return workerResult(run, trainer.completed, startStep, train.steps, stopped, backend.name, env!);

    // A last sample grid and the plots, from the final weights.
    const n = Math.min(train.sampleCount, ds.size);
    const firstImages = await Promise.all(Array.from({ length: n }, (_, i) => ds.get(i)));
    const imgs = firstImages.filter((x): x is Float32Array => x != null);
    if (imgs.length > 0) {
      const per = ds.height * ds.width * ds.channels;
      const flat = new Float32Array(imgs.length * per);
      imgs.forEach((x, i) => flat.set(x, i * per));
      const grid = tf.tidy(() => {
        const x = tf.tensor4d(flat, [imgs.length, ds.height, ds.width, ds.channels]);
        return step.sample(x);
      });
      const xs = tf.tensor4d(flat, [imgs.length, ds.height, ds.width, ds.channels]);
      const g = sampleGrid(xs, grid);
      tf.dispose([xs, grid]);
      await writePng(run.file('samples', 'final.png'), g, 4);
      samples.push('final.png');
    }
    const counts = await countCodes(model, ds, 256);
    const plots = [...(await writeLossPlot(run)), ...(await writeUsagePlot(run, counts, prior))];
    const steps = trainer.completed - startStep;
    const finalSamples = samples.map((f) => run.file('samples', f)).filter((f) => existsSync(f));
    return {
      runDir: run.target,
      checkpoint: join(run.checkpoints, 'last.json'),
      stopped,
      backend: backend.name,
      startStep,
      step: trainer.completed,
      targetSteps: train.steps,
      seconds: (Date.now() - started) / 1000,
      stepsPerSecond: steps / Math.max(trainSeconds, 1e-9),
      imagesPerSecond: (steps * train.batchSize * workers) / Math.max(trainSeconds, 1e-9),
      // Windows of up to 10 steps that do not overlap, so short runs compare their two halves.
      loss: { first: meanLosses(events.slice(0, lossWindow(events.length))), last: meanLosses(events.slice(events.length - lossWindow(events.length))) },
      usage: { images: counts.images, adjective: summarizeCounts(counts.adjective), noun: summarizeCounts(counts.noun) },
      codebook: { kAdj: model.config.kAdj, kNoun: model.config.kNoun },
      files: { config: run.file('config.yaml'), run: run.file('run.json'), metrics: run.file('metrics.jsonl'), samples: finalSamples, plots },
      skippedImages: loader.state().skipped,
      workers,
      rank: env?.rank ?? 0,
    };
  } catch (e) {
    run.abandon();
    throw e;
  } finally {
    signals?.dispose();
    for (const d of disposables.reverse()) d.dispose();
    job?.destroy();
    if (!primary) rmSync(run.path, { recursive: true, force: true });
  }
}

/** Index = the code ranks agree on (0: go on). */
const STOP_REASONS = [null, 'interrupted', 'time-limit'] as const;

/**
 * Per-worker training options of a data-parallel run: --batch-size is per worker,
 * and the authors' lr scaling (base x batch x devices) counts the workers, so W
 * workers x batch b train like 1 worker x batch W x b; an explicit --lr stays the lr.
 */
function perWorker(train: RunSettings['train'], workers: number, lr: number | undefined): RunSettings['train'] {
  const baseLearningRate = lr != null ? lr / (train.batchSize * workers) : train.baseLearningRate;
  return { ...train, devices: workers, baseLearningRate };
}

/** What a rank other than 0 reports: it wrote nothing, rank 0's result describes the run. */
function workerResult(run: RunDir, step: number, startStep: number, targetSteps: number, stopped: StopReason, backend: string, env: LaunchEnv): TrainResult {
  const none = { used: 0, usage: 0, perplexity: 0 };
  return {
    runDir: run.target, checkpoint: '', stopped, backend, startStep, step, targetSteps, seconds: 0, stepsPerSecond: 0, imagesPerSecond: 0,
    loss: { first: {}, last: {} }, usage: { images: 0, adjective: none, noun: none }, codebook: { kAdj: 0, kNoun: 0 },
    files: { config: '', run: '', metrics: '', samples: [], plots: [] }, skippedImages: 0, workers: env.worldSize, rank: env.rank,
  };
}
