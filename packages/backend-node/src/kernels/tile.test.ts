import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { randn, runOn } from '../../test/helpers';
import { isTileByRows } from './tile';

/** Plain-JS tile: out[i_0..i_r] = x[i_0 % s_0, ..., i_r % s_r]. */
function reference(x: ArrayLike<number>, shape: number[], reps: number[]): Float32Array {
  const outShape = shape.map((s, i) => s * reps[i]);
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  for (let o = 0; o < out.length; o++) {
    let rest = o;
    let src = 0;
    let stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      const i = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      src += (i % shape[d]) * stride;
      stride *= shape[d];
    }
    out[o] = x[src];
  }
  return out;
}

const cases: Array<{ name: string; shape: number[]; reps: number[] }> = [
  { name: 'nearest-upsampling broadcast, rank 6', shape: [2, 3, 1, 5, 1, 20], reps: [1, 1, 2, 1, 2, 1] },
  { name: 'short rows, last axis repeated', shape: [3, 2, 3], reps: [2, 1, 3] },
  { name: 'every axis repeated', shape: [2, 3, 17], reps: [3, 2, 2] },
  { name: 'rank 1', shape: [7], reps: [4] },
  { name: 'no repeats', shape: [4, 5], reps: [1, 1] },
];

describe('Tile on wasm (by rows)', () => {
  it.each(cases)('matches a plain-JS reference: $name', async ({ shape, reps }) => {
    const x = randn(5, shape.reduce((a, b) => a * b, 1));
    const [got] = await runOn('wasm', () => tf.tile(tf.tensor(x, shape), reps));
    expect(isTileByRows(tf.getKernel('Tile', 'wasm'))).toBe(true);
    expect(Array.from(got)).toEqual(Array.from(reference(x, shape, reps)));
  });

  it('keeps int32 exact and leaves bool to tfjs', async () => {
    const [ints] = await runOn('wasm', () => tf.cast(tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [2, 3]), 'float32'));
    expect(Array.from(ints)).toEqual(Array.from(reference([1, 2, 3, 4], [2, 2], [2, 3])));
    const [bools] = await runOn('wasm', () => tf.cast(tf.tile(tf.tensor1d([true, false], 'bool'), [2]), 'float32'));
    expect(Array.from(bools)).toEqual([1, 0, 1, 0]);
  });
});
