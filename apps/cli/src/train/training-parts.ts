import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import { priorDigest } from '@vqct/prior';
import { loadPrior } from '@vqct/prior/node';
import { createTransferNet, type TransferNet } from '@vqct/transfer-net';
import type { ImageDataset, ResolvedCaptionAlignmentOptions, TrainStep, VqModel } from '@vqct/vq';
import { PatchDiscriminator, createCaptionAlignmentTerm, createVqModel, createVqganStep, learningRate, learningRateAt } from '@vqct/vq';
import { loadMobileNetPerceptual } from '@vqct/vq/node';
import { datasetCaptions } from '../captioned-batches';
import { defaultPrior } from '../default-prior';
import type { Output } from '../output';
import type { RunDir } from '../run-dir';
import type { DataParallelJob } from './data-parallel-job';
import { restoreInitWeights, type InitCheckpoint } from './init-weights';
import type { RunSettings, TrainFlags } from './settings';
import { describeLearningRate } from './settings';

/** What one training run is made of: prior -> transfer net -> model, and the step that trains them. */
export interface TrainingParts {
  prior: Prior | null;
  digest: string | null;
  net: TransferNet | null;
  model: VqModel;
  step: TrainStep;
}

export interface TrainingPartsContext {
  flags: TrainFlags;
  settings: RunSettings;
  run: RunDir;
  ds: ImageDataset;
  resumeFrom: string | null;
  init: InitCheckpoint | null;
  job: DataParallelJob | null;
  primary: boolean;
  defaultPriorFile?: string;
  out: Output;
  /** Everything built here is pushed onto it as soon as it exists (the caller disposes, even after a throw). */
  disposables: Array<{ dispose(): void }>;
}

/** Builds the run's prior, transfer net, model, discriminator, perceptual net and VQGAN step. */
export async function buildTrainingParts(c: TrainingPartsContext): Promise<TrainingParts> {
  const prior = c.settings.model.quantizer === 'vqct' ? await runPrior(c) : null;
  if (prior != null) c.out.log(`prior: K ${prior.kAdj + prior.kNoun} = ${prior.kAdj} adjectives + ${prior.kNoun} nouns, dim ${prior.dim}, ${prior.edgeWeight.length} edges`);
  const keep = <T extends { dispose(): void }>(x: T): T => (c.disposables.push(x), x);
  const net: TransferNet | null = prior != null && c.settings.transfer != null ? keep(createTransferNet(prior, { ...c.settings.transfer, codeDim: c.settings.model.codeDim })) : null;
  const model = keep(createVqModel(c.settings.model, { codebook: net ?? undefined, seed: c.settings.train.seed }));
  const discriminator = keep(new PatchDiscriminator(c.settings.discriminator));
  const perceptual = c.settings.perceptual ? loadMobileNetPerceptual() : undefined;
  if (perceptual != null) keep(perceptual.net);
  if (c.init != null) {
    restoreInitWeights(c.init, model, net, prior);
    c.out.log(`init: the model and transfer-net weights of ${c.init.sidecarFile} (step ${c.init.sidecar.step}); optimizer and step start afresh`);
  }
  const alignment = c.settings.alignment != null && prior != null && net != null
    ? createCaptionAlignmentTerm({ codebook: net, vocabulary: prior, captionOf: captionsOf(c.ds, c.settings.data.source), items: c.ds.size, alignment: c.settings.alignment })
    : undefined;
  if (alignment != null) c.out.log(describeAlignment(alignment.options));
  const train = c.settings.train;
  const step = keep(createVqganStep({
    model, codebook: net ?? undefined, discriminator, perceptual, loss: train.loss,
    learningRate: learningRate(train), learningRateAt: (at) => learningRateAt(train, at), betas: train.betas, epsilon: train.epsilon,
    // Absent in runs recorded before the option: the step's default, 1.
    codebookLearningRateScale: train.codebookLearningRateScale,
    kAdj: model.config.kAdj, kNoun: model.config.kNoun, auxiliary: alignment, dataParallel: c.job?.dataParallel,
  }));
  c.out.log(`model: ${c.settings.model.quantizer} quantizer, ${model.parameterCount().toLocaleString('en-US')} parameters, codebook ${model.config.kAdj} + ${model.config.kNoun}, ${describeLearningRate(train)}, batch ${train.batchSize}`);
  return { prior, digest: prior != null ? priorDigest(prior) : null, net, model, step };
}

/** A resume reads the run's copy of its prior; a new run resolves one and copies it into the run. */
async function runPrior(c: TrainingPartsContext): Promise<Prior> {
  if (c.resumeFrom != null) return loadPrior(join(c.resumeFrom, c.settings.prior?.file ?? 'prior.safetensors'));
  // Rank 0 builds (and caches) the default prior first; the others then read it.
  if (c.job != null && c.primary) c.job.barrier();
  const p = await resolvePrior(c.flags, c.out, c.defaultPriorFile, c.init);
  if (c.job != null && !c.primary) c.job.barrier();
  c.settings.prior = { file: 'prior.safetensors', digest: priorDigest(p.prior), source: p.source };
  copyFileSync(p.source, join(c.run.checkpoints, 'prior.safetensors'));
  return p.prior;
}

async function resolvePrior(flags: TrainFlags, out: Output, defaultFile?: string, init?: InitCheckpoint | null): Promise<{ prior: Prior; source: string }> {
  if (flags.prior != null) return { prior: loadPrior(flags.prior), source: flags.prior };
  if (init?.prior != null && init.priorFile != null) return { prior: init.prior, source: init.priorFile };
  const d = await defaultPrior(out, defaultFile);
  return { prior: d.prior, source: d.file };
}

/** The dataset's `caption(i)` (the emoji datasets); ConfigError for data without captions. */
function captionsOf(ds: ImageDataset, source: string): (index: number) => string | null {
  const caption = datasetCaptions(ds);
  if (caption == null) throw new ConfigError(`--align-weight needs captioned data (emoji); --data ${source} has no captions`);
  return caption;
}

/** "alignment: weight 0.1, pool assignment, ..., objective attract, usage x0.05, from step 1000" (defaults of the later options left out). */
function describeAlignment(o: ResolvedCaptionAlignmentOptions): string {
  const extra = [
    ...(o.objective !== 'contrast' ? [`objective ${o.objective}`] : []),
    ...(o.usageWeight > 0 ? [`usage x${o.usageWeight}`] : []),
    ...(o.start > 0 ? [`from step ${o.start}`] : []),
  ];
  return [`alignment: weight ${o.weight}, pool ${o.pool}, gradient ${o.gradient}, temperature ${o.temperature}, weighting ${o.weighting}, adjectives x${o.adjectiveWeight}`, ...extra].join(', ');
}
