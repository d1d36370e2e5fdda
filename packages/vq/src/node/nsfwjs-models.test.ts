import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createToyTokenizer } from '../train/testing/toy-tokenizer';
import { createVqganStep } from '../train/vqgan-step';
import { loadMnistDataset } from './mnist-datasets';
import { loadMobileNetPerceptual } from './nsfwjs-models';

describe('LPIPS-style distance on nsfwjs MobileNetV2', () => {
  const perceptual = loadMobileNetPerceptual();
  afterAll(() => perceptual.net.dispose());

  it('is 0 for identical images, grows with distortion, and has gradients w.r.t. the reconstruction', async () => {
    const ds = loadMnistDataset('fashion-mnist', { size: 32, channels: 3, perClass: 1, classes: [0, 1, 7, 9] });
    const imgs = await Promise.all([0, 1, 2, 3].map((i) => ds.get(i)));
    const x = tf.tensor4d(Float32Array.from(imgs.flatMap((a) => Array.from(a!))), [4, 32, 32, 3]);
    const before = tf.memory().numTensors;
    const d = (y: tf.Tensor4D): number => tf.tidy(() => perceptual.distance(x, y).dataSync()[0]);
    const same = d(x);
    const light = tf.tidy(() => tf.clipByValue(tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', 1)), -1, 1) as tf.Tensor4D);
    const heavy = tf.tidy(() => tf.clipByValue(tf.add(x, tf.randomNormal(x.shape, 0, 0.5, 'float32', 1)), -1, 1) as tf.Tensor4D);
    const shuffled = tf.tidy(() => tf.reverse(x, 0) as tf.Tensor4D); // other garments
    expect(same).toBeCloseTo(0, 6);
    expect(d(light)).toBeGreaterThan(0);
    expect(d(heavy)).toBeGreaterThan(d(light));
    expect(d(shuffled)).toBeGreaterThan(d(light));
    const g = tf.tidy(() => tf.grad((y: tf.Tensor) => perceptual.distance(x, y as tf.Tensor4D))(light));
    expect(Math.max(...Array.from(g.dataSync()).map(Math.abs))).toBeGreaterThan(0);
    tf.dispose([light, heavy, shuffled, g]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('enters the VQGAN step as rec = l1 + perceptualWeight * perceptual', () => {
    const model = createToyTokenizer(3, 6);
    const step = createVqganStep({ model, perceptual, learningRate: 1e-3, loss: { perceptualWeight: 0.5 } });
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const r = step.run(x, 0, 1);
    expect(r.losses.perceptual).toBeGreaterThan(0);
    expect(r.losses.rec).toBeCloseTo(r.losses.l1 + 0.5 * r.losses.perceptual, 5);
    x.dispose();
    step.dispose();
    model.dispose();
  });
});
