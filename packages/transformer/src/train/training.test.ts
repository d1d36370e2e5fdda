import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchLoader, Trainer } from '@vqct/vq';
import { describe, expect, it } from 'vitest';
import { heldOutBits } from '../eval/held-out-nll';
import { unigramBits } from '../eval/unigram';
import { trainTransformer } from '../node/train-transformer';
import { randomGrids, tinyTransformer } from '../testing/tiny';
import { TokenSequenceDataset } from './token-sequence-dataset';
import { resolveTransformerTrainOptions } from './train-options';
import { createTransformerStep } from './transformer-step';

describe('training', () => {
  it('overfits a tiny set of class-conditioned sequences (loss falls far below the unigram baseline)', async () => {
    const model = tinyTransformer({ kind: 'class', classes: 2 }, 1);
    const data = TokenSequenceDataset.fromGrids(model.layout, randomGrids(4, 3), (i) => ({ kind: 'class', label: i % 2 }));
    const before = tf.memory().numTensors;
    const step = createTransformerStep({ model, learningRate: 1e-2 });
    const losses: number[] = [];
    const trainer = new Trainer(step, new BatchLoader(data, { batchSize: 4, seed: 1 }), { steps: 80, seed: 1, checkpointEvery: 0, sampleEvery: 0, sampleCount: 0 },
      { onStep: (e) => losses.push(e.losses.total) });
    await trainer.run();
    step.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[0]).toBeGreaterThan(1.5); // ~ln(8) and ln(6) at init
    expect(losses.at(-1)!).toBeLessThan(0.2 * losses[0]);
    const bits = await heldOutBits(model, data);
    expect(bits.bitsPerToken).toBeLessThan(0.5 * unigramBits(model.layout, data.sequences, data.sequences).bitsPerToken);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 120_000);

  it('resumes exactly: 3 + 3 steps through a checkpoint equal 6 steps in one run (with dropout)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-transformer-'));
    try {
      const extra = { embeddingDropout: 0.1, residualDropout: 0.1, attentionDropout: 0.1 };
      const data = (m: ReturnType<typeof tinyTransformer>) => TokenSequenceDataset.fromGrids(m.layout, randomGrids(10, 4), () => ({ kind: 'none' }));
      const train = (steps: number) => resolveTransformerTrainOptions({ steps, batchSize: 3, seed: 5, checkpointEvery: 0, learningRate: 1e-2 });
      const once = tinyTransformer({ kind: 'none' }, 2, extra);
      await trainTransformer({ model: once, dataset: data(once), train: train(6), checkpointDir: join(dir, 'a'), tokenizerDigest: 'x' });
      const split = tinyTransformer({ kind: 'none' }, 2, extra);
      await trainTransformer({ model: split, dataset: data(split), train: train(3), checkpointDir: join(dir, 'b'), tokenizerDigest: 'x' });
      split.dispose();
      const resumed = tinyTransformer({ kind: 'none' }, 2, extra);
      const end = await trainTransformer({ model: resumed, dataset: data(resumed), train: train(6), checkpointDir: join(dir, 'b'), tokenizerDigest: 'x' });
      expect(end.resumedFrom).toBe(3);
      const a = once.namedWeights();
      const b = resumed.namedWeights();
      for (const name of Object.keys(a)) expect(Array.from(b[name].dataSync())).toEqual(Array.from(a[name].dataSync()));
      // A different tokenizer is refused.
      const other = tinyTransformer({ kind: 'none' }, 2, extra);
      await expect(trainTransformer({ model: other, dataset: data(other), train: train(7), checkpointDir: join(dir, 'b'), tokenizerDigest: 'y' })).rejects.toThrow(/prior/);
      once.dispose();
      resumed.dispose();
      other.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
