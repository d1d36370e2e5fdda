import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxRelError, randint, randn, runOn } from '../../test/helpers';

function reference(x: ArrayLike<number>, ids: ArrayLike<number>, inner: number, numSegments: number): Float64Array {
  const out = new Float64Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= numSegments) continue;
    for (let j = 0; j < inner; j++) out[ids[i] * inner + j] += x[i * inner + j];
  }
  return out;
}

describe('UnsortedSegmentSum on wasm', () => {
  it.each([
    { name: '1-D ids, rows of 7', xShape: [13, 7], idsShape: [13], numSegments: 5 },
    { name: '2-D ids, inner [3, 2]', xShape: [4, 5, 3, 2], idsShape: [4, 5], numSegments: 9 },
    { name: 'scalar rows, ids out of range are dropped', xShape: [40], idsShape: [40], numSegments: 6 },
  ])('matches a plain-JS reference: $name', async ({ xShape, idsShape, numSegments }) => {
    const n = xShape.reduce((a, b) => a * b);
    const m = idsShape.reduce((a, b) => a * b);
    const x = randn(11, n);
    const ids = randint(12, m, -2, numSegments + 2);
    const [got] = await runOn('wasm', () => tf.unsortedSegmentSum(tf.tensor(x, xShape) as tf.Tensor, tf.tensor(ids, idsShape as never, 'int32') as tf.Tensor1D, numSegments));
    expect(maxRelError(got, reference(x, ids, n / m, numSegments))).toBeLessThan(1e-6);
  });

  it('sums int32 exactly', async () => {
    const x = randint(13, 30, -100, 100);
    const ids = randint(14, 10, 0, 4);
    await runOn('wasm', () => tf.zeros([1]));
    const t = tf.unsortedSegmentSum(tf.tensor2d(x, [10, 3], 'int32'), tf.tensor1d(ids, 'int32'), 4);
    expect(t.dtype).toBe('int32');
    expect(Array.from(await t.data())).toEqual(Array.from(reference(x, ids, 3, 4)));
    t.dispose();
  });

  it('makes the gather gradient equal to cpu', async () => {
    const table = randn(15, 11 * 6);
    const idx = randint(16, 25, 0, 11);
    const run = () => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d(idx, 'int32')))))(tf.tensor2d(table, [11, 6]));
    const [wasm] = await runOn('wasm', run);
    const [cpu] = await runOn('cpu', run);
    expect(maxRelError(wasm, cpu)).toBeLessThan(1e-6);
  });
});
