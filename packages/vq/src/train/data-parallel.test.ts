import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArrayImageDataset } from '../data/array-dataset';
import { BatchLoader } from '../data/batch-loader';
import { PatchDiscriminator } from '../losses/patch-discriminator';
import type { DataParallel } from './data-parallel';
import { syncFromRankZero } from './data-parallel';
import { createToyTokenizer } from './testing/toy-tokenizer';
import { Trainer } from './trainer';
import { createVqganStep } from './vqgan-step';

/** A job of one worker: every collective returns copies (what a world of size 1 does). */
const alone: DataParallel = {
  rank: 0,
  worldSize: 1,
  mean: (m) => tf.tidy(() => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, tf.add(t, 0)]))),
  sum: (m) => tf.tidy(() => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, tf.add(t, 0)]))),
  broadcast: (m) => tf.tidy(() => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, tf.add(t, 0)]))),
};

function images(count: number): ArrayImageDataset {
  const data = Float32Array.from({ length: count * 16 * 16 }, (_, i) => Math.sin(i * 0.37) * 0.8);
  return new ArrayImageDataset(data, { count, height: 16, width: 16, channels: 1, name: 'sines' });
}

async function train(dataParallel: DataParallel | undefined, primary: boolean) {
  const model = createToyTokenizer(1, 2);
  const disc = new PatchDiscriminator({ inChannels: 1, baseFilters: 4, layers: 2, seed: 5 });
  const step = createVqganStep({ model, discriminator: disc, learningRate: 1e-3, loss: { discStart: 1 }, dataParallel });
  if (dataParallel != null) syncFromRankZero(step.state(), dataParallel);
  const calls = { checkpoints: 0, samples: 0 };
  const trainer = new Trainer(step, new BatchLoader(images(8), { batchSize: 4, seed: 1 }), { steps: 3, seed: 1, checkpointEvery: 1, sampleEvery: 1, sampleCount: 2, primary }, {
    onCheckpoint: () => { calls.checkpoints += 1; },
    onSamples: () => { calls.samples += 1; },
  });
  await trainer.run();
  const weights = Object.fromEntries(Object.entries(step.state()).map(([k, v]) => [k, Array.from(v.dataSync())]));
  step.dispose();
  disc.dispose();
  model.dispose();
  return { weights, calls };
}

describe('createVqganStep({ dataParallel }) and Trainer({ primary })', () => {
  it('a world of one trains as no data parallelism does (with the PatchGAN), leaks nothing, and only the primary writes', async () => {
    const before = tf.memory().numTensors;
    const plain = await train(undefined, true);
    const parallel = await train(alone, false);
    expect(tf.memory().numTensors).toBe(before);
    expect(plain.calls).toEqual({ checkpoints: 3, samples: 3 });
    expect(parallel.calls).toEqual({ checkpoints: 0, samples: 0 });
    // The GAN from step 1 on: SyncBatchNorm's two-pass sums against tf.moments, float order only.
    let worst = 0;
    for (const [k, w] of Object.entries(plain.weights)) w.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - parallel.weights[k][i])); });
    expect(worst).toBeLessThan(1e-5);
  });
});
