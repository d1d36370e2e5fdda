import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@vqct/core';
import type { LaunchEnv } from '@vqct/backend-torch';
import { parseCheckpointSidecar } from '@vqct/vq';
import { checkpointLabel } from '../checkpoint-label';
import type { Output } from '../output';
import { RunDir } from '../run-dir';
import { holdFittedCodebook } from './fitted-codebook';
import { initTransferHidden, readInitCheckpoint, type InitCheckpoint } from './init-weights';
import type { RunSettings, TrainFlags } from './settings';
import { resolveRunSettings } from './settings';

/** Where a run writes and with which settings: a new run, or a resumed one with its recorded settings. */
export interface RunStart {
  run: RunDir;
  settings: RunSettings;
  /** The checkpoints folder to resume from; null for a new run. */
  resumeFrom: string | null;
  init: InitCheckpoint | null;
}

/** Flags a resume ignores (the run's recorded settings win). */
const RECORDED = ['config', 'preset', 'data', 'prior', 'quantizer', 'transfer', 'transferHidden', 'transferLrScale', 'transferDropout', 'transferInit', 'batchSize', 'lr', 'lrSchedule', 'warmupSteps', 'lrFinal', 'seed', 'limit', 'background', 'augment', 'discStart', 'init', 'alignWeight', 'alignPool', 'alignGradient', 'alignTemperature', 'alignWeighting', 'alignStart', 'alignAdjectiveWeight', 'alignObjective', 'alignUsageWeight'] as const;

/**
 * Opens the run folder: `--resume` reads run.json and the last checkpoint (a
 * larger `--steps` or `--epochs` extends it), otherwise the flags resolve into
 * new settings. Data-parallel ranks other than 0 get a scratch folder.
 */
export function startRun(flags: TrainFlags, options: { out: string; resume?: boolean }, out: Output, env: LaunchEnv | null): RunStart {
  const resumed = options.resume === true ? resumeRun(flags, options.out, out) : null;
  const settings = resumed?.settings ?? newRunSettings(flags, env);
  const primary = env == null || env.rank === 0;
  const run = !primary ? scratchRun(env) : resumed?.source ?? RunDir.create(options.out);
  const init = resumed == null && flags.init != null ? readInitCheckpoint(flags.init) : null;
  if (init != null) settings.init = { checkpoint: checkpointLabel(init.sidecarFile), step: init.sidecar.step, weightsSha256: init.sidecar.weightsSha256 };
  const initHidden = init != null && settings.transfer != null && flags.transferHidden == null ? initTransferHidden(init) : null;
  if (initHidden != null) settings.transfer!.hiddenDim = initHidden;
  if (init != null && settings.transfer != null) holdFittedCodebook(init, flags, settings, out);
  return { run, settings, resumeFrom: resumed?.source.checkpoints ?? null, init };
}

function resumeRun(flags: TrainFlags, dir: string, out: Output): { source: RunDir; settings: RunSettings } {
  const source = RunDir.open(dir);
  const resumeFrom = source.checkpoints;
  let recorded: RunSettings;
  try {
    recorded = JSON.parse(readFileSync(source.file('run.json'), 'utf8')) as RunSettings;
  } catch (e) {
    throw new ConfigError(`--resume: cannot read the run's settings (${(e as Error).message.split('\n')[0]})`, { file: source.file('run.json'), cause: e });
  }
  const last = parseCheckpointSidecar(readFileSync(join(resumeFrom, 'last.json'), 'utf8'), join(resumeFrom, 'last.json'));
  const extend = flags.steps ?? (flags.epochs != null ? null : Math.max(recorded.train.steps, last.step));
  const settings: RunSettings = {
    ...recorded,
    train: { ...recorded.train, steps: extend ?? recorded.train.steps },
    epochs: flags.epochs ?? (flags.steps != null ? null : recorded.epochs),
    // Which checkpoints to keep changes no result, so a resume may change it.
    keepEvery: flags.keepEvery ?? recorded.keepEvery ?? 0,
  };
  const ignored = RECORDED.filter((k) => flags[k] != null);
  if (ignored.length > 0) out.log(`--resume: using the run's recorded settings; ignoring ${ignored.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
  return { source, settings };
}

function newRunSettings(flags: TrainFlags, env: LaunchEnv | null): RunSettings {
  const settings = resolveRunSettings(flags);
  if (env != null) settings.train = perWorker(settings.train, env.worldSize, flags.lr);
  return settings;
}

/** Where a data-parallel rank other than 0 writes what it must not put into the run folder (removed at the end). */
function scratchRun(env: LaunchEnv): RunDir {
  return RunDir.create(join(tmpdir(), `vqct-train-rank${env.rank}-${process.pid}`));
}

/**
 * Per-worker training options of a data-parallel run: --batch-size is per worker,
 * and the authors' lr scaling (base x batch x devices) counts the workers, so W
 * workers x batch b train like 1 worker x batch W x b; an explicit --lr stays the lr.
 */
function perWorker(train: RunSettings['train'], workers: number, lr: number | undefined): RunSettings['train'] {
  const baseLearningRate = lr != null ? lr / (train.batchSize * workers) : train.baseLearningRate;
  return { ...train, devices: workers, baseLearningRate };
}
