import * as tf from '@tensorflow/tfjs-core';
import { NumericError } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { ArrayImageDataset } from '../data/array-dataset';
import { BatchLoader } from '../data/batch-loader';
import { PatchDiscriminator } from '../losses/patch-discriminator';
import type { StepEvent, TrainerState } from './events';
import { createToyTokenizer } from './testing/toy-tokenizer';
import { Trainer } from './trainer';
import { createVqganStep } from './vqgan-step';

/** Smooth real-valued images (sums of random sinusoids) in [-1, 1], 16x16x1. */
function smoothImages(count: number, side = 16): ArrayImageDataset {
  const data = new Float32Array(count * side * side);
  for (let n = 0; n < count; n++) {
    const fx = 1 + (n % 3), fy = 1 + ((n * 7) % 4), ph = n * 0.37;
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
      data[(n * side + y) * side + x] = 0.8 * Math.sin((2 * Math.PI * fx * x) / side + ph) * Math.cos((2 * Math.PI * fy * y) / side);
    }
  }
  return new ArrayImageDataset(data, { count, height: side, width: side, channels: 1, name: 'sinusoids' });
}

const values = (vars: Record<string, tf.Variable>): Record<string, number[]> =>
  Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('Trainer + VQGAN step (toy tokenizer)', () => {
  it('keeps the discriminator off before discStart and turns it on at discStart', async () => {
    const model = createToyTokenizer(1, 2);
    const disc = new PatchDiscriminator({ inChannels: 1, baseFilters: 4, layers: 2, seed: 5 });
    const step = createVqganStep({ model, discriminator: disc, learningRate: 1e-3, loss: { discStart: 3 } });
    const d0 = values(disc.namedWeights());
    const events: StepEvent[] = [];
    const loader = new BatchLoader(smoothImages(8), { batchSize: 4, seed: 1 });
    const trainer = new Trainer(step, loader, { steps: 3, seed: 1, checkpointEvery: 0, sampleEvery: 0, sampleCount: 2 }, { onStep: (e) => events.push(e) });
    await trainer.run();
    expect(values(disc.namedWeights())).toEqual(d0);
    expect(events.map((e) => e.losses.gan)).toEqual([undefined, undefined, undefined]);
    expect(events.every((e) => e.losses.disc === undefined)).toBe(true);
    const trainer2 = new Trainer(step, loader, { steps: 4, seed: 1, checkpointEvery: 0, sampleEvery: 0, sampleCount: 2 }, { onStep: (e) => events.push(e) });
    trainer2.resume({ ...trainer.state() });
    await trainer2.run();
    const last = events[events.length - 1];
    expect(last.step).toBe(4);
    expect(Number.isFinite(last.losses.gan)).toBe(true);
    expect(Number.isFinite(last.losses.disc)).toBe(true);
    expect(last.losses.adaptiveWeight).toBeGreaterThan(0);
    expect(values(disc.namedWeights())['layer0.kernel']).not.toEqual(d0['layer0.kernel']);
    step.dispose();
    disc.dispose();
    model.dispose();
  });

  it('lowers the loss, reports progress and sample grids, and leaks no tensor across 200 steps', async () => {
    const model = createToyTokenizer(1, 3);
    const disc = new PatchDiscriminator({ inChannels: 1, baseFilters: 4, layers: 2, seed: 5 });
    const step = createVqganStep({ model, discriminator: disc, learningRate: 3e-3, loss: { discStart: 190 }, kAdj: 4, kNoun: 4 });
    const loader = new BatchLoader(smoothImages(16), { batchSize: 4, seed: 2 });
    const events: StepEvent[] = [];
    const grids: number[] = [];
    const before = tf.memory().numTensors;
    const trainer = new Trainer(step, loader, { steps: 200, seed: 9, checkpointEvery: 50, sampleEvery: 100, sampleCount: 2 }, {
      onStep: (e) => events.push(e),
      onSamples: (e) => grids.push(e.grid.data.length),
      onCheckpoint: () => {},
    });
    await trainer.run();
    expect(tf.memory().numTensors).toBe(before);
    const mean = (xs: StepEvent[]): number => xs.reduce((a, e) => a + e.losses.l1, 0) / xs.length;
    expect(mean(events.slice(-20))).toBeLessThan(0.7 * mean(events.slice(0, 20)));
    expect(events[150].losses.gan).toBeUndefined();
    expect(events[195].losses.gan).toBeDefined();
    expect(events[0].usage!.adjective).toBeGreaterThan(0);
    expect(events[0].imagesPerSecond).toBeGreaterThan(0);
    expect(events[0].etaSeconds).toBeGreaterThan(0);
    expect(grids).toEqual([2 * 16 * 2 * 16, 2 * 16 * 2 * 16]);
    step.dispose();
    disc.dispose();
    model.dispose();
  });

  it('stops with a NumericError on a non-finite loss, before updating weights or checkpointing', async () => {
    const model = createToyTokenizer(1, 4);
    const step = createVqganStep({ model, learningRate: 1e-3 });
    const good = smoothImages(4);
    const poisoned = {
      ...good, size: good.size, height: 16, width: 16, channels: 1, name: 'poisoned',
      get: async (i: number) => {
        const img = await good.get(i);
        if (img != null && i === 2) img[5] = Number.NaN;
        return img;
      },
    };
    const loader = new BatchLoader(poisoned, { batchSize: 2, seed: 0 });
    const saved: TrainerState[] = [];
    const trainer = new Trainer(step, loader, { steps: 10, seed: 1, checkpointEvery: 1, sampleEvery: 0, sampleCount: 1 }, { onCheckpoint: (s) => { saved.push(s); } });
    let snapshot: Record<string, number[]> = values(model.namedWeights());
    const guarded = trainer.run().catch((e: unknown) => e);
    const err = await guarded;
    expect(err).toBeInstanceOf(NumericError);
    expect((err as Error).message).toMatch(/generator loss .* is NaN at step \d/);
    // The failing step changed nothing: the weights equal those after the last checkpointed step.
    expect(saved.length).toBe(trainer.completed);
    if (saved.length > 0) snapshot = values(model.namedWeights());
    expect(values(model.namedWeights())).toEqual(snapshot);
    expect(Object.values(values(model.namedWeights())).flat().every(Number.isFinite)).toBe(true);
    step.dispose();
    model.dispose();
  });

  it('run and runAsync are the same step (losses, usage, weights, discriminator on), and neither leaks', async () => {
    const batch = tf.tidy(() => tf.reshape(tf.concat([tf.linspace(-1, 1, 256), tf.linspace(1, -1, 256)]), [2, 16, 16, 1])) as tf.Tensor4D;
    const train = async (useAsync: boolean) => {
      const model = createToyTokenizer(1, 4);
      const disc = new PatchDiscriminator({ inChannels: 1, baseFilters: 4, layers: 2, seed: 5 });
      const step = createVqganStep({ model, discriminator: disc, learningRate: 1e-3, loss: { discStart: 1 }, kAdj: 4, kNoun: 4 });
      const before = tf.memory().numTensors;
      const reports = [];
      for (let i = 0; i < 3; i++) reports.push(useAsync ? await step.runAsync!(batch, i, 100 + i) : step.run(batch, i, 100 + i));
      expect(tf.memory().numTensors).toBe(before);
      const weights = { ...values(model.namedWeights()), ...values(disc.namedWeights()) };
      step.dispose();
      disc.dispose();
      model.dispose();
      return { reports, weights };
    };
    const sync = await train(false);
    const async_ = await train(true);
    expect(async_.reports).toEqual(sync.reports);
    expect(sync.reports[2].losses.adaptiveWeight).toBeGreaterThan(0);
    expect(sync.reports[2].usage?.noun).toBeGreaterThan(0);
    expect(async_.weights).toEqual(sync.weights);
    batch.dispose();
  });
});
