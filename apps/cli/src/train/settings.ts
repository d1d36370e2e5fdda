import { readFileSync } from 'node:fs';
import { ConfigError, IoError } from '@vqct/core';
import type { ResolvedTransferNetOptions } from '@vqct/transfer-net';
import type { AugmentOptions, AlignmentGradient, AlignmentObjective, AlignmentPool, AlignmentWeighting, CaptionAlignmentOptions, PatchDiscriminatorOptions, ResolvedCaptionAlignmentOptions, ResolvedTrainOptions, VqModelConfig, VqModelOptions, VqModelPresetName } from '@vqct/vq';
import { learningRate, loadRunConfig, parseAugment, resolveCaptionAlignmentOptions, resolvePatchDiscriminatorOptions, resolveTrainOptions, resolveVqModelConfig } from '@vqct/vq';
import type { GroundingRecord } from '../ground/grounding-record';

export const RUN_SETTINGS_VERSION = 1;

/** What `vqct train` was asked for, from the command line. */
export interface TrainFlags {
  config?: string;
  preset?: VqModelPresetName;
  data?: string;
  prior?: string;
  quantizer?: 'vqct' | 'vq' | 'ema';
  transfer?: 'gcn' | 'mlp' | 'random';
  transferDropout?: number;
  transferInit?: 'glorot' | 'torch-linear';
  transferHidden?: number;
  transferLrScale?: number;
  steps?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  lrSchedule?: 'constant' | 'cosine';
  warmupSteps?: number;
  lrFinal?: number;
  seed?: number;
  limit?: number;
  perceptual?: boolean;
  discStart?: number;
  background?: string;
  augment?: string;
  checkpointEvery?: number;
  keepEvery?: number;
  sampleEvery?: number;
  init?: string;
  alignWeight?: number;
  alignPool?: AlignmentPool;
  alignGradient?: AlignmentGradient;
  alignTemperature?: number;
  alignWeighting?: AlignmentWeighting;
  alignStart?: number;
  alignAdjectiveWeight?: number;
  alignObjective?: AlignmentObjective;
  alignUsageWeight?: number;
}

/**
 * Everything a run is made of, resolved: written to run.json and into every
 * checkpoint's sidecar (`trainConfig`), so a checkpoint can be used and a run
 * resumed without the original command line.
 */
export interface RunSettings {
  version: number;
  /** The model config before the prior sets kAdj/kNoun (for 'vqct'). */
  model: VqModelConfig;
  train: ResolvedTrainOptions;
  discriminator: Required<PatchDiscriminatorOptions>;
  /** The transfer net (`--transfer`); null for the learned codebooks ('vq', 'ema'). */
  transfer: Omit<ResolvedTransferNetOptions, 'codeDim'> & { codeDim?: number } | null;
  /** `augment` absent (older runs) or null: none. */
  data: { source: string; limit: number | null; background?: string; augment?: AugmentOptions | null };
  /** `file` is relative to the checkpoints folder; null without a prior ('vq', 'ema'). */
  prior: { file: string; digest: string; source: string } | null;
  /** Train with the MobileNetV2 perceptual loss (LPIPS stand-in). */
  perceptual: boolean;
  /** Steps given as epochs (resolved into train.steps once the data size is known). */
  epochs: number | null;
  config: { file: string; dialect: 'vqct' | 'taming'; ignored: string[] } | null;
  /** The image–caption alignment loss (`--align-*`); null (or absent in older runs): off. */
  alignment?: ResolvedCaptionAlignmentOptions | null;
  /** The checkpoint the weights started from (`--init`); null: a seeded init. */
  /** The checkpoint `--init` started from (checkpointLabel) and its weights' sha256 (absent in runs before 5.1). */
  init?: { checkpoint: string; step: number; weightsSha256?: string } | null;
  /** What `vqct ground` did (a grounded checkpoint's sidecar); absent for a trained run. */
  grounding?: GroundingRecord;
  /** The grounded checkpoint whose fitted codebook this run holds fixed (`--init` from it, transfer lr x0); absent otherwise. */
  fixedCodebook?: { from: string };
  /** `--keep-every`: checkpoints at multiples of it survive pruning (0 or absent: only the newest two). */
  keepEvery?: number;
}

/**
 * Training defaults that come with a preset: emoji-32 trains with the paper's
 * objective (L1 + perceptual + PatchGAN with the adaptive weight), the GAN
 * switched on at a step that falls inside a CPU run of an hour, and the
 * perceptual term at 0.1: at the paper's 1.0 our uncalibrated MobileNetV2
 * distance stalled L1 and traded colours for textures (docs/RESULTS.md, "Emoji").
 */
const PRESET_TRAINING: Partial<Record<VqModelPresetName, { perceptual: boolean; batchSize: number; loss: { discStart: number; perceptualWeight: number } }>> = {
  'emoji-32': { perceptual: true, batchSize: 8, loss: { discStart: 900, perceptualWeight: 0.1 } },
};

/** Training defaults of the small presets: a few hundred CPU steps must show progress, so the lr is larger than the authors' 4.5e-6 per image. */
const SMALL_PRESET_LR = 2e-4;

function readConfig(file: string): ReturnType<typeof loadRunConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new IoError(code === 'ENOENT' ? '--config: no such file' : `--config: cannot read (${code ?? (e as Error).message})`, { file, cause: e });
  }
  return loadRunConfig(text, file);
}

/** The transfer net of a 'vqct' run (`--transfer`, `--transfer-hidden`, `--transfer-dropout`, `--transfer-init`); null for the learned codebooks, which refuse those flags, `--transfer-lr-scale` and `--prior`. */
function resolveTransfer(flags: TrainFlags, model: VqModelConfig, seed: number): RunSettings['transfer'] {
  if (model.quantizer !== 'vqct') {
    const why = `needs --quantizer vqct (the ${model.quantizer} quantizer learns its own codebook)`;
    for (const [flag, value] of [['--transfer', flags.transfer], ['--transfer-hidden', flags.transferHidden], ['--transfer-lr-scale', flags.transferLrScale], ['--transfer-dropout', flags.transferDropout], ['--transfer-init', flags.transferInit]] as const) {
      if (value != null) throw new ConfigError(`${flag} ${value} ${why}`);
    }
    if (flags.prior != null) throw new ConfigError(`--prior ${why}`);
    return null;
  }
  const kind = flags.transfer ?? 'gcn';
  if (flags.transferHidden != null && flags.transferHidden < 1) throw new ConfigError(`--transfer-hidden must be at least 1, got ${flags.transferHidden}`);
  return {
    kind: kind === 'mlp' ? 'mlp' : 'gcn',
    features: kind === 'random' ? 'random' : 'words',
    layers: 2,
    // METHOD.md: hidden = e (256 for the paper); by default the small presets keep hidden = e too.
    hiddenDim: flags.transferHidden ?? model.codeDim,
    activation: 'relu',
    // METHOD.md: 0.5. It jitters every code at every step, which keeps codes in use (docs/RESULTS.md, "The MLP discrepancy").
    dropout: flags.transferDropout ?? 0.5,
    init: flags.transferInit ?? 'glorot',
    seed: seed >>> 0,
    aggregation: 'sparse-segment',
  };
}

/**
 * Resolves --config / --preset and the flags into RunSettings (ConfigError
 * naming the flag or config field). Flags win over the config file.
 *
 * @example
 * const s = resolveRunSettings({ preset: 'tiny', data: 'fashion-mnist', steps: 50 });
 */
export function resolveRunSettings(flags: TrainFlags): RunSettings {
  const run = flags.config != null ? readConfig(flags.config) : null;
  const modelOptions: VqModelOptions = { ...(run?.model ?? {}) };
  if (flags.preset != null) modelOptions.preset = flags.preset;
  if (modelOptions.preset == null && run == null) modelOptions.preset = 'tiny';
  if (flags.quantizer != null) modelOptions.quantizer = flags.quantizer;
  let model: VqModelConfig;
  try {
    model = resolveVqModelConfig(modelOptions);
  } catch (e) {
    if (e instanceof ConfigError && flags.config != null) throw new ConfigError(e.message, { file: flags.config, cause: e });
    throw e;
  }
  const small = model.resolution <= 64;
  const presetTraining = modelOptions.preset != null ? PRESET_TRAINING[modelOptions.preset] : undefined;
  // A config without a train section trains with the preset's defaults, as without --config.
  const base = run != null && run.trainGiven ? run.train : resolveTrainOptions({
    baseLearningRate: small ? SMALL_PRESET_LR / 8 : undefined, checkpointEvery: 100, sampleEvery: 50,
    ...(presetTraining != null ? { batchSize: presetTraining.batchSize, loss: presetTraining.loss } : {}),
  });
  if (flags.discStart != null && flags.discStart < 0) throw new ConfigError(`--disc-start must be at least 0, got ${flags.discStart}`);
  const batchSize = flags.batchSize ?? base.batchSize;
  if (flags.batchSize != null && flags.batchSize < 1) throw new ConfigError(`--batch-size must be at least 1, got ${flags.batchSize}`);
  if (flags.lr != null && !(flags.lr > 0)) throw new ConfigError(`--lr must be a positive number, got ${flags.lr}`);
  if (flags.steps != null && flags.epochs != null) throw new ConfigError('--steps and --epochs cannot be used together');
  const train = resolveTrainOptions({
    ...base,
    batchSize,
    // --lr is the effective learning rate; the config's is per image (x batch x devices).
    baseLearningRate: flags.lr != null ? flags.lr / (batchSize * base.devices) : base.baseLearningRate,
    steps: flags.steps ?? base.steps,
    seed: flags.seed ?? base.seed,
    codebookLearningRateScale: flags.transferLrScale ?? base.codebookLearningRateScale,
    checkpointEvery: flags.checkpointEvery ?? base.checkpointEvery,
    sampleEvery: flags.sampleEvery ?? base.sampleEvery,
    sampleCount: Math.min(base.sampleCount, batchSize),
    loss: { ...base.loss, ...(flags.discStart != null ? { discStart: flags.discStart } : {}) },
    lrSchedule: {
      ...base.lrSchedule,
      ...(flags.lrSchedule != null ? { kind: flags.lrSchedule } : {}),
      ...(flags.warmupSteps != null ? { warmupSteps: flags.warmupSteps } : {}),
      ...(flags.lrFinal != null ? { finalFactor: flags.lrFinal } : {}),
    },
  }, flags.config);
  let discriminator: RunSettings['discriminator'];
  try {
    discriminator = resolvePatchDiscriminatorOptions({ ...(run?.discriminator ?? {}), inChannels: model.inChannels, seed: train.seed });
  } catch (e) {
    // The config's discriminator section is at fault: name the file, as for the model.
    if (e instanceof ConfigError && flags.config != null) throw new ConfigError(e.message, { file: flags.config, cause: e });
    throw e;
  }
  const transfer = resolveTransfer(flags, model, train.seed);
  const alignment = resolveAlignment(flags, model);
  return {
    version: RUN_SETTINGS_VERSION,
    model,
    train,
    discriminator,
    transfer,
    data: {
      source: flags.data ?? 'fashion-mnist', limit: flags.limit ?? null, ...(flags.background != null ? { background: flags.background } : {}),
      augment: flags.augment != null ? parseAugment(flags.augment) : null,
    },
    prior: null,
    perceptual: flags.perceptual ?? presetTraining?.perceptual ?? false,
    epochs: flags.epochs ?? null,
    config: run != null && flags.config != null ? { file: flags.config, dialect: run.dialect, ignored: run.ignored } : null,
    alignment,
    init: null,
    keepEvery: flags.keepEvery ?? 0,
  };
}

/** The `--align-*` flags beside --align-weight: each one's option and its name on the command line. */
const ALIGN_FLAGS = [
  ['alignPool', 'pool', '--align-pool'],
  ['alignGradient', 'gradient', '--align-gradient'],
  ['alignTemperature', 'temperature', '--align-temperature'],
  ['alignWeighting', 'weighting', '--align-weighting'],
  ['alignAdjectiveWeight', 'adjectiveWeight', '--align-adjective-weight'],
  ['alignStart', 'start', '--align-start'],
  ['alignObjective', 'objective', '--align-objective'],
  ['alignUsageWeight', 'usageWeight', '--align-usage-weight'],
] as const satisfies ReadonlyArray<readonly [keyof TrainFlags, keyof CaptionAlignmentOptions, string]>;

/** `--align-*` into alignment options (null when --align-weight is absent or 0). */
function resolveAlignment(flags: TrainFlags, model: VqModelConfig): ResolvedCaptionAlignmentOptions | null {
  const given = ALIGN_FLAGS.filter(([flag]) => flags[flag] != null);
  if (flags.alignWeight == null || flags.alignWeight === 0) {
    if (given.length > 0) {
      const names = ALIGN_FLAGS.map(([, , name]) => name);
      throw new ConfigError(`${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} need --align-weight > 0`);
    }
    return null;
  }
  if (model.quantizer !== 'vqct') throw new ConfigError(`--align-weight needs --quantizer vqct (the ${model.quantizer} quantizer's codes have no words)`);
  return resolveCaptionAlignmentOptions({
    weight: flags.alignWeight,
    ...Object.fromEntries(given.map(([flag, option]) => [option, flags[flag]])),
  });
}

/** "lr 1.00e-3" plus the schedule where there is one: "lr 1.00e-3 (warm-up 500 steps, cosine to x0.1 at step 20000)". */
export function describeLearningRate(train: ResolvedTrainOptions): string {
  const peak = `lr ${learningRate(train).toExponential(2)}`;
  const s = train.lrSchedule as ResolvedTrainOptions['lrSchedule'] | undefined;
  const parts = [
    ...(s != null && s.warmupSteps > 0 ? [`warm-up ${s.warmupSteps} steps`] : []),
    ...(s?.kind === 'cosine' ? [`cosine to x${s.finalFactor} at step ${s.decaySteps}`] : []),
    ...((train.codebookLearningRateScale ?? 1) !== 1 ? [`transfer net x${train.codebookLearningRateScale}`] : []),
  ];
  return parts.length > 0 ? `${peak} (${parts.join(', ')})` : peak;
}
