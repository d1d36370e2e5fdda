import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomPrior } from '../test/priors';
import { fitTransferNet } from './fit';
import { createTransferNet } from './transfer-net';

describe('fitTransferNet', () => {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes every word give the code it is told to (a permuted codebook), freeing what it made', async () => {
    const prior = randomPrior(6, 18, 12, 30, 4);
    const source = createTransferNet(prior, { hiddenDim: 8, codeDim: 4, seed: 1 });
    const codes = source.inferenceCodebook().arraySync();
    source.dispose();
    // Reverse the nouns: noun w must give what noun 17 - w gave.
    const wanted = [...codes.slice(0, 6), ...codes.slice(6).reverse()];
    const targets = tf.tensor2d(wanted);
    const net = createTransferNet(prior, { hiddenDim: 64, codeDim: 4, seed: 2, dropout: 0.5 });
    const start = tf.tidy(() => tf.mean(tf.square(tf.sub(net.inferenceCodebook(), targets))).dataSync()[0]);
    const seen: number[] = [];
    const r = await fitTransferNet(net, targets, { steps: 1500, learningRate: 1e-2, every: 500, solveLastLayer: false, onProgress: (_, mse) => seen.push(mse) });
    expect(seen).toHaveLength(3);
    expect(r.steps).toBe(1500);
    expect(r.mse).toBeLessThan(start / 100);
    // Each row's nearest target is its own.
    const got = net.inferenceCodebook().arraySync();
    got.forEach((row, w) => {
      const d = wanted.map((t) => t.reduce((s, v, j) => s + (v - row[j]) ** 2, 0));
      expect(d.indexOf(Math.min(...d))).toBe(w);
    });
    net.dispose();
    targets.dispose();
  });

  it('solves the last layer in closed form: exact where the graph tells the words apart, the mean where it cannot', async () => {
    // Words 0-1 (adjectives) and 2-5 (nouns); 1 and 5 are joined only to each other (weight 1),
    // so their rows of Â H are equal after the last propagation; 0, 2, 3, 4 are apart.
    const prior = { ...randomPrior(2, 4, 8, 0, 5), edgeIndex: new Int32Array([0, 2, 1, 5]), edgeWeight: new Float32Array([2, 1]) };
    const wanted = [[1, 0], [0, 1], [-1, 0], [0, -1], [2, 2], [-2, 2]];
    const targets = tf.tensor2d(wanted);
    const net = createTransferNet(prior, { hiddenDim: 32, codeDim: 2, seed: 4 });
    const r = await fitTransferNet(net, targets, { steps: 0 });
    const got = net.inferenceCodebook().arraySync();
    for (const w of [0, 2, 3, 4]) for (let j = 0; j < 2; j++) expect(got[w][j]).toBeCloseTo(wanted[w][j], 4);
    for (let j = 0; j < 2; j++) {
      expect(got[1][j]).toBeCloseTo(got[5][j], 4);
      expect(got[1][j]).toBeCloseTo((wanted[1][j] + wanted[5][j]) / 2, 4);
    }
    // Rows 1 and 5 both get (-1, 1.5): squared errors 1 + 0.25 each, over 6 x 2 entries.
    expect(r.mse).toBeCloseTo(2.5 / 12, 4);
    // Features times the solved layer are the codebook.
    const f = net.finalFeatures();
    expect(f.shape).toEqual([6, 32]);
    const w = net.namedWeights();
    const again = tf.tidy(() => (tf.add(tf.matMul(f, w['gcn.1.weight']), w['gcn.1.bias']) as tf.Tensor2D).arraySync() as number[][]);
    again.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(got[i][j], 4)));
    tf.dispose([f, targets]);
    net.dispose();
  });

  it('differentiates the dropout-free codebook, equal to the inference one', () => {
    const net = createTransferNet(randomPrior(3, 5, 6, 8, 2), { hiddenDim: 16, codeDim: 4, seed: 3, dropout: 0.5 });
    const a = net.trainingCodebook({ dropout: false });
    expect(Array.from(a.dataSync())).toEqual(Array.from(net.inferenceCodebook().dataSync()));
    const b = net.trainingCodebook({ seed: 1 });
    expect(Array.from(b.dataSync())).not.toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    net.dispose();
  });

  it('refuses bad steps, learning rates and targets of the wrong shape', async () => {
    const net = createTransferNet(randomPrior(2, 3, 4, 4, 1), { hiddenDim: 4, codeDim: 2, seed: 1 });
    const ok = tf.zeros([5, 2]) as tf.Tensor2D;
    const wrong = tf.zeros([4, 2]) as tf.Tensor2D;
    await expect(fitTransferNet(net, ok, { steps: -1 })).rejects.toThrow(/whole number of steps >= 0, got -1/);
    await expect(fitTransferNet(net, ok, { steps: 0, solveLastLayer: false })).rejects.toThrow(/does nothing/);
    await expect(fitTransferNet(net, ok, { learningRate: -1 })).rejects.toThrow(/positive learning rate, got -1/);
    await expect(fitTransferNet(net, wrong)).rejects.toThrow(/targets are \[4, 2\] but the net gives \[5, 2\]/);
    tf.dispose([ok, wrong]);
    net.dispose();
  });
});
