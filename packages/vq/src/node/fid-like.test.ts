import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frechetDistance } from '../metrics/frechet';
import { loadMnistDataset } from './mnist-datasets';
import { loadInceptionPoolFeatures } from './nsfwjs-models';

beforeAll(async () => {
  await useNodeBackend({ backend: 'wasm' });
});

describe('FID-like score on nsfwjs InceptionV3 pool features', () => {
  const fx = loadInceptionPoolFeatures(75); // the smallest input InceptionV3 takes: cheap on 2 cores
  afterAll(() => fx.net.dispose());

  it('gives 2048-d features; the distance is 0 for a set against itself and grows with blur', async () => {
    const ds = loadMnistDataset('mnist', { size: 32, channels: 3, perClass: 1 });
    const imgs = await Promise.all(Array.from({ length: 10 }, (_, i) => ds.get(i)));
    const x = tf.tensor4d(Float32Array.from(imgs.flatMap((a) => Array.from(a!))), [10, 32, 32, 3]);
    const before = tf.memory().numTensors;
    const rows = (t: tf.Tensor2D): Float32Array[] => {
      const d = t.dataSync() as Float32Array;
      t.dispose();
      return Array.from({ length: t.shape[0] }, (_, i) => d.slice(i * 2048, (i + 1) * 2048));
    };
    const real = rows(fx.features(x));
    expect(real[0].length).toBe(2048);
    expect(real.flatMap((r) => Array.from(r)).every(Number.isFinite)).toBe(true);
    const blurred = tf.tidy(() => tf.image.resizeBilinear(tf.image.resizeBilinear(x, [8, 8]), [32, 32]) as tf.Tensor4D);
    const noisy = tf.tidy(() => tf.clipByValue(tf.add(x, tf.randomNormal(x.shape, 0, 0.05, 'float32', 3)), -1, 1) as tf.Tensor4D);
    const fBlur = rows(fx.features(blurred));
    const fNoise = rows(fx.features(noisy));
    expect(frechetDistance(real, real, 2048)).toBeCloseTo(0, 3);
    const dBlur = frechetDistance(real, fBlur, 2048);
    const dNoise = frechetDistance(real, fNoise, 2048);
    expect(dNoise).toBeGreaterThan(0);
    expect(dBlur).toBeGreaterThan(dNoise);
    tf.dispose([blurred, noisy]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  }, 120_000);
});
