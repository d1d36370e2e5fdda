import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { PatchDiscriminator } from './patch-discriminator';

describe('PatchDiscriminator', () => {
  it('has the PatchGAN layout, N(0, 0.02) kernels, and gives one logit per patch', () => {
    const before = tf.memory().numTensors;
    const disc = new PatchDiscriminator({ inChannels: 3, seed: 3 });
    const w = disc.namedWeights();
    expect(w['layer0.kernel'].shape).toEqual([4, 4, 3, 64]);
    expect(w['layer1.kernel'].shape).toEqual([4, 4, 64, 128]);
    expect(w['layer2.kernel'].shape).toEqual([4, 4, 128, 256]);
    expect(w['layer3.kernel'].shape).toEqual([4, 4, 256, 512]);
    expect(w['layer4.kernel'].shape).toEqual([4, 4, 512, 1]);
    expect(w['layer0.bias']).toBeDefined();
    expect(w['layer1.gamma']).toBeDefined();
    expect(w['layer1.bias']).toBeUndefined();
    const k = Array.from(w['layer2.kernel'].dataSync());
    const mean = k.reduce((a, b) => a + b, 0) / k.length;
    const std = Math.sqrt(k.reduce((a, b) => a + (b - mean) ** 2, 0) / k.length);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const runningBefore = Array.from(w['layer1.running_mean'].dataSync());
    const y = tf.tidy(() => disc.apply(x, { updateStats: true }));
    expect(y.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(w['layer1.running_mean'].dataSync())).not.toEqual(runningBefore);
    tf.dispose([x, y]);
    disc.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
