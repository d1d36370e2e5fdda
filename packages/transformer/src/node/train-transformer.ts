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
  /** Checked after every step: true stops the run with a checkpoint (Ctrl-C, a time limit). */
  shouldStop?: () => boolean;
}

class Stopped extends Error {}

/**
 * Trains a TokenTransformer with the @vqct/vq Trainer and checkpoints:
 * resumes from `last.json` in `checkpointDir` when there is one (weights,
 * Adam state, data order and RNG: the continued run is the uninterrupted one),
 * writes a checkpoint every `checkpointEvery` steps and at the end, or when
 * `shouldStop()` turns true (then `stopped` is true).
 * The caller owns the model.
 *
 * @example
 * const end = await trainTransformer({ model, dataset, train: resolveTransformerTrainOptions({ steps: 500 }), checkpointDir: 'runs/t/checkpoints', tokenizerDigest: null });
 */
export async function trainTransformer(o: TrainTransformerOptions): Promise<TrainerState & { resumedFrom: number | null; stopped: boolean }> {
  const dir = (): string => (typeof o.checkpointDir === 'string' ? o.checkpointDir : o.checkpointDir());
  const t = o.train;
  const step = createTransformerStep({ model: o.model, learningRate: t.learningRate, betas: t.betas, epsilon: t.epsilon, conditionDropout: t.conditionDropout });
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
    let saved = resume?.step ?? -1;
    const save = async (state: TrainerState): Promise<void> => {
      mkdirSync(dir(), { recursive: true });
      saveCheckpoint(dir(), step.state(), { modelConfig: o.model.config, trainConfig: o.record ?? t, priorDigest: o.tokenizerDigest, ...state });
      saved = state.step;
      await o.callbacks?.onCheckpoint?.(state);
    };
    const trainer = new Trainer(step, loader, { steps: t.steps, seed: t.seed, checkpointEvery: t.checkpointEvery, sampleEvery: 0, sampleCount: 0 }, {
      ...o.callbacks,
      onStep: (e) => {
        o.callbacks?.onStep?.(e);
        if (o.shouldStop?.() === true && e.step < t.steps) throw new Stopped();
      },
      onCheckpoint: save,
    });
    if (resume != null) trainer.resume(resume);
    let stopped = false;
    try {
      await trainer.run();
    } catch (e) {
      if (!(e instanceof Stopped)) throw e;
      stopped = true;
      if (saved !== trainer.completed) await save(trainer.state());
    }
    return { ...trainer.state(), resumedFrom: resume?.step ?? null, stopped };
  } finally {
    step.dispose();
  }
}
