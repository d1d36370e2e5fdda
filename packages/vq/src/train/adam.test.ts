import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { NamedAdam } from './adam';

describe('NamedAdam', () => {
  it('follows the PyTorch Adam update with betas (0.5, 0.9) and keeps named state', () => {
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -2])));
    const opt = new NamedAdam({ 'model.w': w }, { learningRate: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 });
    const grads = [[0.5, -1], [0.25, 2]];
    let m = [0, 0], v = [0, 0];
    const ref = [1, -2];
    grads.forEach((g, i) => {
      const gt = tf.tensor1d(g);
      opt.apply({ 'model.w': gt });
      gt.dispose();
      const t = i + 1;
      for (let j = 0; j < 2; j++) {
        m[j] = 0.5 * m[j] + 0.5 * g[j];
        v[j] = 0.9 * v[j] + 0.1 * g[j] * g[j];
        ref[j] -= (0.1 * (m[j] / (1 - 0.5 ** t))) / (Math.sqrt(v[j] / (1 - 0.9 ** t)) + 1e-8);
      }
    });
    const got = Array.from(w.dataSync());
    expect(got[0]).toBeCloseTo(ref[0], 5);
    expect(got[1]).toBeCloseTo(ref[1], 5);
    expect(Object.keys(opt.namedWeights()).sort()).toEqual(['m.model.w', 't', 'v.model.w']);
    expect(opt.steps()).toBe(2);
    opt.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
