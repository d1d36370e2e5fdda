import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { NamedAdam } from './adam';
import { learningRateFactor, resolveLrSchedule } from './lr-schedule';
import { learningRateAt, resolveTrainOptions } from './options';

describe('learning-rate schedule', () => {
  it('warms up linearly, then follows the cosine from 1 to finalFactor and stays there', () => {
    const s = { kind: 'cosine' as const, warmupSteps: 4, decaySteps: 104, finalFactor: 0.1 };
    expect([0, 1, 2, 3].map((t) => learningRateFactor(s, t))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(learningRateFactor(s, 4)).toBeCloseTo(1, 12);
    expect(learningRateFactor(s, 54)).toBeCloseTo(0.55, 12); // half-way: the mean of 1 and 0.1
    expect(learningRateFactor(s, 104)).toBe(0.1);
    expect(learningRateFactor(s, 10_000)).toBe(0.1);
    const f = Array.from({ length: 100 }, (_, i) => learningRateFactor(s, i + 4));
    for (let i = 1; i < f.length; i++) expect(f[i]).toBeLessThan(f[i - 1]);
  });

  it('is 1 at every step when constant without warm-up, and old options without a schedule stay constant', () => {
    const o = resolveTrainOptions({ batchSize: 4, baseLearningRate: 1e-4 });
    expect(o.lrSchedule.kind).toBe('constant');
    expect([0, 7, 1e6].map((t) => learningRateAt(o, t))).toEqual([4e-4, 4e-4, 4e-4]);
    const { lrSchedule: _, ...old } = o;
    expect(learningRateAt(old, 3)).toBe(4e-4);
  });

  it('fixes decaySteps at the run length only when not given, and rejects bad fields', () => {
    const s = { kind: 'cosine' as const, warmupSteps: 0, decaySteps: 0, finalFactor: 0 };
    expect(resolveLrSchedule(s, 300).decaySteps).toBe(300);
    expect(resolveLrSchedule({ ...s, decaySteps: 50 }, 300).decaySteps).toBe(50);
    expect(() => resolveTrainOptions({ lrSchedule: { finalFactor: 2 } })).toThrow(/finalFactor/);
    expect(() => resolveTrainOptions({ lrSchedule: { kind: 'step' as never } })).toThrow(/kind/);
  });

  it('NamedAdam uses the learning rate passed to apply() for that update only', () => {
    const before = tf.memory().numTensors;
    const a = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const b = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const opt = new NamedAdam({ a }, { learningRate: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 });
    const ref = new NamedAdam({ b }, { learningRate: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 });
    const g = tf.tensor1d([0.5, -1]);
    opt.apply({ a: g }, 0.01);
    ref.apply({ b: g });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const moved = Array.from(a.dataSync());
    opt.apply({ a: g }, 0);
    expect(Array.from(a.dataSync())).toEqual(moved);
    opt.apply({ a: g });
    expect(a.dataSync()[0]).toBeLessThan(moved[0] - 0.05); // back to the options' 0.1
    tf.dispose([a, b, g]);
    opt.dispose();
    ref.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
