import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { torchAvailability } from '@vqct/backend-torch';
import { useNodeBackend } from './use-node-backend';

const torch = torchAvailability();

describe('useNodeBackend', () => {
  it.runIf(torch.available)('picks torch on the CPU here (libtorch without CUDA; tfjs-node not installed) and says why the others were skipped', async () => {
    const report = await useNodeBackend({ backend: 'auto' });
    expect(report.name).toBe('torch');
    expect(tf.getBackend()).toBe('torch');
    expect(report.skipped).toEqual([
      { name: 'tensorflow-gpu', reason: 'not installed' },
      { name: 'torch-cuda', reason: 'libtorch sees no CUDA device' },
      { name: 'tensorflow', reason: 'not installed' },
    ]);
    expect(report.torch?.device).toBe('cpu');
    expect(report.line).toMatch(/^backend torch \(libtorch \d+\.\d+\.\d+, cpu, \d+ threads?\); skipped tensorflow-gpu: not installed; torch-cuda: libtorch sees no CUDA device/);
  });

  it.runIf(!torch.available)('picks wasm where libtorch is missing, saying why torch was skipped', async () => {
    const report = await useNodeBackend({ backend: 'auto' });
    expect(report.name).toBe('wasm');
    expect(report.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'torch-cuda', 'tensorflow', 'torch']);
    expect(report.skipped[3].reason).toMatch(/^unavailable: /);
  });

  it.each(['cpu', 'wasm', ...(torch.available ? ['torch' as const] : [])] as const)('registers gradients on %s', async (backend) => {
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
