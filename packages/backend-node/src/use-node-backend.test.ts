import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from './use-node-backend';

describe('useNodeBackend', () => {
  it('picks wasm here (tfjs-node is not installed) and says why the others were skipped', async () => {
    const report = await useNodeBackend({ backend: 'auto' });
    expect(report.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(report.line).toMatch(/^backend wasm \((no )?SIMD, \d+ threads?\); skipped tensorflow-gpu: not installed/);
  });

  it.each(['cpu', 'wasm'] as const)('registers gradients on %s', async (backend) => {
    await useNodeBackend({ backend });
    const before = tf.memory().numTensors;
    const g = tf.tidy(() => {
      const x = tf.tensor2d([[1, 2], [3, 4]]);
      const w = tf.tensor2d([[0.5], [-1]]);
      return tf.grad((w2: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, w2))))(w);
    });
    // d/dw sum((xw)^2) = 2 x^T x w; xw = [-1.5, -2.5]
    expect(Array.from(await g.data())).toEqual([2 * (1 * -1.5 + 3 * -2.5), 2 * (2 * -1.5 + 4 * -2.5)]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails clearly for a forced backend that is missing or unknown', async () => {
    await expect(useNodeBackend({ backend: 'tensorflow-gpu' })).rejects.toThrow(/tensorflow-gpu" was requested but cannot be used: not installed/);
    await expect(useNodeBackend({ backend: 'metal' as never })).rejects.toThrow(/unknown backend "metal"/);
  });
});
