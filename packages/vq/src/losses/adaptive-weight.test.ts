import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adaptiveWeight } from './adaptive-weight';
import { generatorLoss, hingeDiscriminatorLoss } from './hinge';
import { l1Loss } from './l1';

describe('adaptiveWeight', () => {
  it('matches a hand-computed case through real gradients of a last layer', () => {
    const before = tf.memory().numTensors;
    // y = x W, W [2, 1]; rec = mean|y - t|; g = -mean(y).
    const x = tf.tensor2d([[1, 2], [3, -1]]);
    const t = tf.tensor2d([[0], [0]]);
    const W = tf.tidy(() => tf.variable(tf.tensor2d([[0.5], [0.25]])));
    const gRec = tf.grad((w: tf.Tensor) => l1Loss(tf.matMul(x, w), t))(W);
    const gGen = tf.grad((w: tf.Tensor) => generatorLoss(tf.matMul(x, w)))(W);
    // y = [1, 1.25] > t, so d rec/dW = x^T [1, 1] / 2 = [2, 0.5]; d g/dW = -x^T [1, 1] / 2 = [-2, -0.5].
    expect(Array.from(gRec.dataSync())).toEqual([2, 0.5]);
    expect(Array.from(gGen.dataSync())).toEqual([-2, -0.5]);
    const norm = Math.sqrt(4 + 0.25);
    const w = adaptiveWeight(gRec, gGen, { discWeight: 0.8 });
    expect(w).toBeCloseTo((norm / (norm + 1e-4)) * 0.8, 6);
    tf.dispose([x, t, W, gRec, gGen]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('clamps to maxWeight before discWeight and scales a small generator gradient up', () => {
    const a = tf.tensor1d([3, 4]);
    const zero = tf.zeros([2]);
    const small = tf.tensor1d([0, 0.0049]);
    expect(adaptiveWeight(a, zero, { discWeight: 0.8 })).toBeCloseTo(1e4 * 0.8, 2); // 5 / 1e-4 = 5e4 > 1e4
    expect(adaptiveWeight(a, small, { discWeight: 1 })).toBeCloseTo(5 / 0.005, 1);
    tf.dispose([a, zero, small]);
  });
});

describe('hinge losses', () => {
  it('computes the discriminator hinge and the generator loss by hand', () => {
    const real = tf.tensor1d([2, 0.5, -1]); // relu(1 - x) = [0, 0.5, 2] -> mean 5/6
    const fake = tf.tensor1d([-2, 0, 1]); // relu(1 + x) = [0, 1, 2] -> mean 1
    const d = hingeDiscriminatorLoss(real, fake);
    expect(d.dataSync()[0]).toBeCloseTo(0.5 * (5 / 6 + 1), 6);
    const g = generatorLoss(fake);
    expect(g.dataSync()[0]).toBeCloseTo(1 / 3, 6);
    tf.dispose([real, fake, d, g]);
  });
});
