import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataOrderState, TrainerCallbacks, TrainerState } from '@vqct/vq';
import { BatchLoader, restoreVariables, Trainer } from '@vqct/vq';
import { LAST_CHECKPOINT, loadCheckpoint, saveCheckpoint } from '@vqct/vq/node';
import type { TokenTransformer } from '../model/token-transformer';
import type { TokenSequenceDataset } from '../train/token-sequence-dataset';
import { createTransformerStep } from '../train/transformer-step';
import type { TransformerTrainOptions } from '../train/train-options';

export interface TrainTransformerOptions {
  model: TokenTransformer;
  dataset: TokenSequenceDataset;
  train: TransformerTrainOptions;
  /** Checkpoints go here (a function when the folder moves, e.g. a run folder committed at its first checkpoint); a `last.json` there is resumed. */
  checkpointDir: string | (() => string);
  /** Digest of the tokenizer checkpoint the tokens came from; stored and checked on resume (the vq sidecar's priorDigest field). */
  tokenizerDigest: string | null;
  /** Anything else for the sidecar's trainConfig (the CLI's settings). */
  record?: unknown;
  callbacks?: TrainerCallbacks;
}

/**
 * Trains a TokenTransformer with the @vqct/vq Trainer and checkpoints:
 * resumes from `last.json` in `checkpointDir` when there is one (weights,
 * Adam state, data order and RNG: the continued run is the uninterrupted one),
 * writes a checkpoint every `checkpointEvery` steps and at the end.
 * The caller owns the model.
 *
 * @example
 * const end = await trainTransformer({ model, dataset, train: resolveTransformerTrainOptions({ steps: 500 }), checkpointDir: 'runs/t/checkpoints', tokenizerDigest: null });
 */
export async function trainTransformer(o: TrainTransformerOptions): Promise<TrainerState & { resumedFrom: number | null }> {
  const dir = (): string => (typeof o.checkpointDir === 'string' ? o.checkpointDir : o.checkpointDir());
  const t = o.train;
  const step = createTransformerStep({ model: o.model, learningRate: t.learningRate, betas: t.betas, epsilon: t.epsilon });
  try {
    let data: DataOrderState | undefined;
    let resume: TrainerState | undefined;
    if (existsSync(join(dir(), LAST_CHECKPOINT))) {
      const ck = loadCheckpoint(dir(), { modelConfig: o.model.config, priorDigest: o.tokenizerDigest });
      restoreVariables(ck.tensors, step.state(), ck.file);
      const s = ck.sidecar;
      data = s.data;
      resume = { step: s.step, epoch: s.epoch, data: s.data, rng: s.rng, metrics: s.metrics };
    }
    const loader = new BatchLoader(o.dataset, { batchSize: t.batchSize, seed: t.seed, state: data });
    const trainer = new Trainer(step, loader, { steps: t.steps, seed: t.seed, checkpointEvery: t.checkpointEvery, sampleEvery: 0, sampleCount: 0 }, {
      ...o.callbacks,
      onCheckpoint: async (state) => {
        mkdirSync(dir(), { recursive: true });
        saveCheckpoint(dir(), step.state(), {
          modelConfig: o.model.config, trainConfig: o.record ?? t, priorDigest: o.tokenizerDigest, ...state,
        });
        await o.callbacks?.onCheckpoint?.(state);
      },
    });
    if (resume != null) trainer.resume(resume);
    const end = await trainer.run();
    return { ...end, resumedFrom: resume?.step ?? null };
  } finally {
    step.dispose();
  }
}
