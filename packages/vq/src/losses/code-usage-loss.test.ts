import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { codeUsageLoss } from './code-usage-loss';

const codes = (): tf.Tensor2D => tf.tensor2d([[0, 0], [10, 0], [0, 10], [10, 10]]);
const value = (f: () => tf.Scalar): number => tf.tidy(() => f().dataSync()[0]);

describe('code usage loss', () => {
  it('is ~0 when the encodings spread evenly over the codes and ~1 when they sit on one', () => {
    const before = tf.memory().numTensors;
    const even = value(() => codeUsageLoss(tf.tensor2d([[0, 0], [10, 0], [0, 10], [10, 10]]), codes(), 0.1));
    const one = value(() => codeUsageLoss(tf.tensor2d([[0, 0], [0, 0], [0, 0], [0, 0]]), codes(), 0.1));
    const half = value(() => codeUsageLoss(tf.tensor2d([[0, 0], [0, 0], [10, 0], [10, 0]]), codes(), 0.1));
    expect(even).toBeLessThan(1e-3);
    expect(one).toBeGreaterThan(0.99);
    expect(half).toBeCloseTo(0.5, 2); // 2 of 4 codes: 1 - ln 2 / ln 4
    expect(value(() => codeUsageLoss(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 0]]), 0.1))).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pulls an idle code toward the encodings when the codes are trained on it', () => {
    const before = tf.memory().numTensors;
    // Two clusters of encodings; code 2 sits far from both, idle.
    const z = tf.tensor2d([[0, 0], [0.5, 0], [4, 4], [4.5, 4], [0, 0.5], [4, 4.5]]);
    const book = tf.tidy(() => tf.variable(tf.tensor2d([[0, 0], [4, 4], [3, -3]])));
    const distanceOfIdle = (): number => tf.tidy(() => tf.min(tf.sum(tf.square(tf.sub(z, tf.slice(book, [2, 0], [1, 2]))), 1)).dataSync()[0]);
    const start = { loss: value(() => codeUsageLoss(z, book as unknown as tf.Tensor2D, 0.3)), idle: distanceOfIdle() };
    const opt = tf.train.sgd(0.5);
    for (let i = 0; i < 100; i++) opt.minimize(() => codeUsageLoss(z, book as unknown as tf.Tensor2D, 0.3));
    expect(value(() => codeUsageLoss(z, book as unknown as tf.Tensor2D, 0.3))).toBeLessThan(start.loss / 2);
    expect(distanceOfIdle()).toBeLessThan(start.idle / 2);
    opt.dispose();
    tf.dispose([z, book]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the mismatch when encodings and codes differ in width', () => {
    expect(() => codeUsageLoss(tf.zeros([3, 2]) as tf.Tensor2D, tf.zeros([4, 3]) as tf.Tensor2D, 0.1)).toThrow(/code usage: encodings \[3,2\] and codes \[4,3\]/);
  });
});
