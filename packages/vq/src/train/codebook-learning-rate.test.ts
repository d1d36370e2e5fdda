import * as tf from '@tensorflow/tfjs-core';
// Tests may use @vqct/transfer-net (devDependency); src never does.
import { createTransferNet } from '@vqct/transfer-net';
import { describe, expect, it } from 'vitest';
import { ArrayImageDataset } from '../data/array-dataset';
import { BatchLoader } from '../data/batch-loader';
import { createCaptionAlignmentTerm } from './caption-alignment-term';
import { createToyTokenizer } from './testing/toy-tokenizer';
import { createVqganStep } from './vqgan-step';

const words = ['red', 'blue', 'apple', 'star', 'cloud', 'face'];
const vocabulary = { words, kAdj: 2, kNoun: 4 };
const prior = {
  ...vocabulary, dim: 6,
  vectors: new Float32Array(6 * 6).map((_, i) => Math.sin(i * 12.9898) * 0.5),
  edgeIndex: Int32Array.from([0, 2, 1, 3]),
  edgeWeight: new Float32Array([1, 1]),
};
const captions = ['red apple', 'blue star'];

/**
 * One step from a fixed start; returns how far each model and transfer-net weight moved,
 * and the largest Adam moment of the transfer net (0: it took no gradient).
 */
async function oneStep(scale: number | undefined): Promise<{ model: number[]; transfer: number[]; transferMoment: number }> {
  const net = createTransferNet(prior, { hiddenDim: 8, codeDim: 2, seed: 3, dropout: 0 });
  const toy = createToyTokenizer(3, 5);
  // The VQGAN model lists its codebook source among its trainable variables; the toy does not.
  const model = { ...toy, trainableVariables: () => [...toy.trainableVariables(), ...Object.values(net.namedWeights())] };
  const px = new Float32Array(2 * 8 * 8 * 3).map((_, i) => Math.cos(i * 0.37));
  const ds = new ArrayImageDataset(px, { count: 2, height: 8, width: 8, channels: 3, name: 'two' });
  const align = createCaptionAlignmentTerm({ codebook: net, vocabulary, captionOf: (i) => captions[i], alignment: { weight: 1 } });
  const step = createVqganStep({ model, codebook: net, learningRate: 1e-2, auxiliary: align, ...(scale != null ? { codebookLearningRateScale: scale } : {}) });
  const snapshot = (vars: tf.Variable[]) => vars.map((v) => Float32Array.from(v.dataSync()));
  const before = { model: snapshot(toy.trainableVariables()), transfer: snapshot(Object.values(net.namedWeights())) };
  const batch = await new BatchLoader(ds, { batchSize: 2, seed: 1 }).next();
  step.run(batch, 0, 1);
  batch.dispose();
  const moved = (vars: tf.Variable[], was: Float32Array[]) => vars.map((v, i) => Math.max(...Array.from(v.dataSync(), (x, j) => Math.abs(x - was[i][j]))));
  const moments = Object.entries(step.state()).filter(([n]) => /^opt\.g\.[mv]\.transfer\./.test(n)).map(([, v]) => v);
  expect(moments.length).toBe(2 * Object.keys(net.namedWeights()).length);
  const transferMoment = Math.max(...moments.map((v) => Math.max(...Array.from(v.dataSync(), Math.abs))));
  const out = { model: moved(toy.trainableVariables(), before.model), transfer: moved(Object.values(net.namedWeights()), before.transfer), transferMoment };
  step.dispose();
  toy.dispose();
  net.dispose();
  return out;
}

describe('codebookLearningRateScale', () => {
  it('scales the transfer net\'s update and leaves the autoencoder\'s alone', async () => {
    const before = tf.memory().numTensors;
    const plain = await oneStep(undefined);
    const slow = await oneStep(0.1);
    // Adam's first step moves every weight with a gradient by about lr: the transfer net moves.
    for (const d of plain.transfer) expect(d).toBeGreaterThan(5e-3);
    expect(plain.transferMoment).toBeGreaterThan(0);
    slow.transfer.forEach((d, i) => expect(d / plain.transfer[i]).toBeCloseTo(0.1, 3));
    slow.model.forEach((d, i) => expect(d).toBeCloseTo(plain.model[i], 7));
    // 0 holds the codebook fixed (a grounded model's) while the autoencoder trains as before.
    const held = await oneStep(0);
    for (const d of held.transfer) expect(d).toBe(0);
    // ... without a gradient for it: the backward pass leaves the transfer net out (its moments stay 0).
    expect(held.transferMoment).toBe(0);
    held.model.forEach((d, i) => expect(d).toBeCloseTo(plain.model[i], 7));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a scale that is negative or not finite', () => {
    const toy = createToyTokenizer(3, 5);
    expect(() => createVqganStep({ model: toy, learningRate: 1e-2, codebookLearningRateScale: -1 })).toThrow(/codebookLearningRateScale must be a number >= 0, got -1/);
    expect(() => createVqganStep({ model: toy, learningRate: 1e-2, codebookLearningRateScale: Number.NaN })).toThrow(/codebookLearningRateScale must be a number >= 0, got NaN/);
    toy.dispose();
  });
});
