import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adaptiveWeightRatio } from '../losses/adaptive-weight';
import { generatorLoss } from '../losses/hinge';
import { PatchDiscriminator } from '../losses/patch-discriminator';
import { reconstructionLoss } from '../losses/reconstruction';
import { createGanHead } from './gan-head';
import { createToyTokenizer } from './testing/toy-tokenizer';

const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const scale = (a: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);

describe('createGanHead (one-pass adaptive GAN weight)', () => {
  it('gives the gradients and weight of the two-pass rec + w * g, and leaks nothing', () => {
    const model = createToyTokenizer(3, 4);
    const disc = new PatchDiscriminator({ inChannels: 3, baseFilters: 4, layers: 2, seed: 5 });
    const batch = tf.tidy(() => tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 3)) as tf.Tensor4D;
    const vars = model.trainableVariables();
    const last = model.lastLayerWeight().name;
    const before = tf.memory().numTensors;

    // Reference: the two full passes the step used to run, combined as A + w * B.
    const a = tf.variableGrads(() => {
      const out = model.forward(batch, { training: true });
      return tf.add(reconstructionLoss(batch, out.reconstruction, undefined, 0).rec, out.quantLoss) as tf.Scalar;
    }, vars);
    const b = tf.variableGrads(() => generatorLoss(disc.apply(model.forward(batch, { training: true }).reconstruction)), vars);
    const ratio = adaptiveWeightRatio(a.grads[last], b.grads[last], { discWeight: 0.8 });
    const wRef = ratio.dataSync()[0] * 0.8;

    const head = createGanHead({ batch, discriminator: disc, model, perceptualWeight: 0, discWeight: 0.8, maxAdaptiveWeight: 1e4 });
    const c = tf.variableGrads(() => {
      const out = model.forward(batch, { training: true, keepLastLayerInput: true });
      return tf.add(head.apply(out.reconstruction, out.lastLayerInput as tf.Tensor4D), out.quantLoss) as tf.Scalar;
    }, vars);
    const w = head.values().ratio.dataSync()[0] * 0.8;
    expect(w).toBeGreaterThan(0);
    expect(Math.abs(w - wRef)).toBeLessThan(1e-5 * wRef);
    expect(head.values().gan.dataSync()[0]).toBeCloseTo(b.value.dataSync()[0], 5);
    for (const v of vars) {
      const want = tf.tidy(() => tf.add(a.grads[v.name], tf.mul(b.grads[v.name], wRef)));
      expect(maxAbs(c.grads[v.name], want)).toBeLessThan(1e-5 * Math.max(scale(want), 1e-3));
      want.dispose();
    }
    tf.dispose([a.value, b.value, c.value, ratio, ...Object.values(a.grads), ...Object.values(b.grads), ...Object.values(c.grads)]);
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
    disc.dispose();
    model.dispose();
  });

  it('says when its values are read before the backward pass', () => {
    const model = createToyTokenizer(3, 6);
    const disc = new PatchDiscriminator({ inChannels: 3, baseFilters: 4, layers: 2, seed: 5 });
    const head = createGanHead({ batch: tf.zeros([1, 16, 16, 3]) as tf.Tensor4D, discriminator: disc, model, perceptualWeight: 0, discWeight: 0.8, maxAdaptiveWeight: 1e4 });
    expect(() => head.values()).toThrow(/take the gradients/);
    head.dispose();
    disc.dispose();
    model.dispose();
  });
});
