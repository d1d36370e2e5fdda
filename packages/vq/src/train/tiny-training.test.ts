import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { createTransferNet } from '@vqct/transfer-net';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveVqModelConfig } from '../config/resolve-config';
import { BatchLoader } from '../data/batch-loader';
import { evaluateTokenizer } from '../metrics/evaluate';
import { createVqModel } from '../model/vq-model';
import { loadMnistDataset } from '../node/mnist-datasets';
import type { StepEvent } from './events';
import { learningRate, resolveTrainOptions } from './options';
import { seededPrior } from './testing/seeded-prior';
import { Trainer } from './trainer';
import { createVqganStep } from './vqgan-step';

// The real model is too slow for the cpu backend (~100 s a step here): wasm.
beforeAll(async () => {
  await useNodeBackend({ backend: 'wasm' });
});

describe('training the tiny VQCT tokenizer on real images (wasm)', () => {
  it('lowers the reconstruction loss on fashion-mnist and reports progress', async () => {
    const config = resolveVqModelConfig('tiny');
    const net = createTransferNet(seededPrior(config.kAdj, config.kNoun, 16, 1), { codeDim: config.codeDim, hiddenDim: 32, seed: 1 });
    const model = createVqModel(config, { codebook: net, seed: 1 });
    const data = loadMnistDataset('fashion-mnist', { size: 16, channels: 3, perClass: 4, classes: [0, 7, 8] });
    const evalBatches = async function* () {
      const all = new BatchLoader(data, { batchSize: data.size, seed: 0 });
      yield await all.next();
    };
    const r0 = await evaluateTokenizer(model, evalBatches(), { kAdj: model.config.kAdj, kNoun: model.config.kNoun });
    // After a first evaluation: the transfer net keeps its inference codebook cached (one tensor).
    const before = tf.memory().numTensors;
    const opts = resolveTrainOptions({ steps: 14, batchSize: 4, baseLearningRate: 5e-4, seed: 3 });
    const step = createVqganStep({ model, codebook: net, learningRate: learningRate(opts), kAdj: model.config.kAdj, kNoun: model.config.kNoun });
    const events: StepEvent[] = [];
    await new Trainer(step, new BatchLoader(data, { batchSize: opts.batchSize, seed: opts.seed }), { ...opts }, { onStep: (e) => events.push(e) }).run();
    const r1 = await evaluateTokenizer(model, evalBatches(), { kAdj: model.config.kAdj, kNoun: model.config.kNoun });
    expect(events).toHaveLength(14);
    expect(events.every((e) => Number.isFinite(e.losses.total) && e.losses.gan === undefined)).toBe(true);
    expect(events[0].usage!.noun).toBeGreaterThan(0);
    // Whole-set L1 is not reported by evaluate; PSNR is its monotone cousin. It must improve clearly.
    expect(r1.psnr).toBeGreaterThan(r0.psnr + 1);
    expect(events.slice(-3).reduce((a, e) => a + e.losses.l1, 0)).toBeLessThan(events.slice(0, 3).reduce((a, e) => a + e.losses.l1, 0));
    expect(r1.usage.noun.used).toBeGreaterThan(0);
    step.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    net.dispose();
  }, 240_000);
});
