import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxRelError, randn, runOn } from '../../test/helpers';

describe('wasm matMul with transposed operands (pre-transposed fast path)', () => {
  it.each([
    { a: [5, 7], b: [7, 3], ta: false, tb: false },
    { a: [7, 5], b: [7, 3], ta: true, tb: false },
    { a: [5, 7], b: [3, 7], ta: false, tb: true },
    { a: [7, 5], b: [3, 7], ta: true, tb: true },
    { a: [2, 9, 4], b: [2, 6, 9], ta: true, tb: true },
    { a: [3, 4, 9], b: [1, 5, 9], ta: false, tb: true },
  ])('matches cpu: a $a (T=$ta) x b $b (T=$tb)', async ({ a, b, ta, tb }) => {
    const av = randn(31, a.reduce((p, q) => p * q));
    const bv = randn(32, b.reduce((p, q) => p * q));
    const run = () => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb);
    const [wasm] = await runOn('wasm', run);
    const [cpu] = await runOn('cpu', run);
    expect(maxRelError(wasm, cpu)).toBeLessThan(1e-5);
  });

  it('keeps fused matMul (bias, relu) and its gradients equal to cpu', async () => {
    const av = randn(33, 6 * 4);
    const bv = randn(34, 5 * 6);
    const bias = randn(35, 5);
    const run = () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA: true, transposeB: true, bias: tf.tensor1d(bias), activation: 'relu' }))))([tf.tensor2d(av, [6, 4]), tf.tensor2d(bv, [5, 6])] as never);
    const wasm = await runOn('wasm', run);
    const cpu = await runOn('cpu', run);
    for (let i = 0; i < 2; i++) expect(maxRelError(wasm[i], cpu[i])).toBeLessThan(1e-5);
  });
});
