import type { DataOrderState, ImageDataset } from '../data/types';
import { BatchLoader } from '../data/batch-loader';
import type { PatchDiscriminator } from '../losses/patch-discriminator';
import type { PerceptualDistance } from '../losses/reconstruction';
import type { TrainerCallbacks, TrainerState } from '../train/events';
import type { ResolvedTrainOptions } from '../train/options';
import { learningRate } from '../train/options';
import { Trainer } from '../train/trainer';
import type { NamedWeightsOwner, TrainableTokenizer } from '../train/types';
import { createVqganStep } from '../train/vqgan-step';
import { LAST_CHECKPOINT, loadCheckpoint, saveCheckpoint } from './checkpoint-files';
import { restoreVariables } from '../checkpoint/codec';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface TrainWithCheckpointsOptions {
  model: TrainableTokenizer;
  /** The resolved model config, stored in and checked against checkpoints. */
  modelConfig: unknown;
  codebook?: NamedWeightsOwner;
  /** Digest of the prior behind the codebook (null without one); checked on resume. */
  priorDigest: string | null;
  discriminator?: PatchDiscriminator;
  perceptual?: PerceptualDistance;
  dataset: ImageDataset;
  train: ResolvedTrainOptions;
  /** Checkpoints go here; if it holds one (last.json), training resumes from it. */
  checkpointDir: string;
  /** Code counts per half, for the usage figure in step events. */
  kAdj?: number;
  kNoun?: number;
  callbacks?: Omit<TrainerCallbacks, 'onCheckpoint'> & { onCheckpoint?(state: TrainerState): void };
}

/**
 * The whole training loop with checkpoints: builds the VQGAN step, resumes
 * from `checkpointDir/last.json` when there is one (weights, Adam slots, data
 * order and RNG, verified against the model config and prior), trains to
 * `train.steps`, and writes a checkpoint every `train.checkpointEvery` steps
 * and at the end. A NumericError propagates without writing anything.
 * The caller owns the model, codebook and discriminator.
 *
 * @example
 * const end = await trainWithCheckpoints({ model, modelConfig: model.config, codebook: net, priorDigest, discriminator: disc,
 *   dataset: loadMnistDataset('fashion-mnist', { size: 32, channels: 3 }), train: resolveTrainOptions({ steps: 1000 }), checkpointDir: 'runs/a' });
 */
export async function trainWithCheckpoints(o: TrainWithCheckpointsOptions): Promise<TrainerState & { resumedFrom: number | null }> {
  const step = createVqganStep({
    model: o.model, codebook: o.codebook, discriminator: o.discriminator, perceptual: o.perceptual,
    loss: o.train.loss, learningRate: learningRate(o.train), betas: o.train.betas, epsilon: o.train.epsilon,
    kAdj: o.kAdj, kNoun: o.kNoun,
  });
  try {
    let data: DataOrderState | undefined;
    let resume: TrainerState | undefined;
    if (existsSync(join(o.checkpointDir, LAST_CHECKPOINT))) {
      const ck = loadCheckpoint(o.checkpointDir, { modelConfig: o.modelConfig, priorDigest: o.priorDigest });
      restoreVariables(ck.tensors, step.state(), ck.file);
      step.restored();
      const s = ck.sidecar;
      data = s.data;
      resume = { step: s.step, epoch: s.epoch, data: s.data, rng: s.rng, metrics: s.metrics };
    }
    const loader = new BatchLoader(o.dataset, { batchSize: o.train.batchSize, seed: o.train.seed, state: data });
    const trainer = new Trainer(step, loader, {
      steps: o.train.steps, seed: o.train.seed, checkpointEvery: o.train.checkpointEvery,
      sampleEvery: o.train.sampleEvery, sampleCount: o.train.sampleCount,
    }, {
      ...o.callbacks,
      onCheckpoint: (state) => {
        saveCheckpoint(o.checkpointDir, step.state(), {
          modelConfig: o.modelConfig, trainConfig: o.train, priorDigest: o.priorDigest,
          step: state.step, epoch: state.epoch, data: state.data, rng: state.rng, metrics: state.metrics,
        });
        o.callbacks?.onCheckpoint?.(state);
      },
    });
    if (resume != null) trainer.resume(resume);
    const end = await trainer.run();
    return { ...end, resumedFrom: resume?.step ?? null };
  } finally {
    step.dispose();
  }
}
