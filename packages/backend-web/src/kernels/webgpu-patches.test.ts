import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { patchWebGpuKernels } from './webgpu-patches';

// The patches target webgpu; their logic is backend-neutral, so it is checked here on
// the cpu backend (where every tensor is host-resident) against tfjs's own kernels.
describe('webgpu kernel patches (checked on cpu)', () => {
  let reference: { tile: number[]; min: number; max: number; axisMax: number[] };
  const x6 = () => tf.reshape(tf.range(0, 2 * 3 * 1 * 4 * 1 * 5, 1, 'float32'), [2, 3, 1, 4, 1, 5]);

  beforeAll(async () => {
    await useNodeBackend({ backend: 'cpu' });
    reference = tf.tidy(() => ({
      tile: Array.from(tf.broadcastTo(x6(), [2, 3, 2, 4, 2, 5]).dataSync()),
      min: tf.min(tf.tensor1d([5, -3, 8], 'int32')).dataSync()[0],
      max: tf.max(tf.tensor1d([5, -3, 8], 'int32')).dataSync()[0],
      axisMax: Array.from(tf.max(tf.tensor2d([[1, 9], [7, 2]]), 1).dataSync()),
    }));
    patchWebGpuKernels('cpu');
    patchWebGpuKernels('cpu'); // idempotent
  });

  it('tiles rank-6 tensors as a chain of rank-3 tiles, same values, nothing leaked', () => {
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => tf.broadcastTo(x6(), [2, 3, 2, 4, 2, 5]));
    expect(out.shape).toEqual([2, 3, 2, 4, 2, 5]);
    expect(Array.from(out.dataSync())).toEqual(reference.tile);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const t = tf.tidy(() => tf.tile(tf.reshape(tf.range(0, 6), [1, 2, 1, 3, 1]), [2, 1, 3, 2, 2]));
    expect(t.shape).toEqual([2, 2, 3, 6, 2]);
    // Spot check: out[a, i, b, j, c] = x[0, i, 0, j mod 3, 0].
    const v = t.arraySync() as number[][][][][];
    expect(v[1][1][2][4][1]).toBe(1 * 3 + (4 % 3));
    t.dispose();
  });

  it('reduces small host tensors on the host, and leaves axis reductions to the kernel', () => {
    expect(tf.tidy(() => tf.min(tf.tensor1d([5, -3, 8], 'int32')).dataSync()[0])).toBe(reference.min);
    expect(tf.tidy(() => tf.max(tf.tensor1d([5, -3, 8], 'int32')).dataSync()[0])).toBe(reference.max);
    const m = tf.tidy(() => tf.max(tf.tensor1d([5, -3, 8], 'int32')));
    expect(m.dtype).toBe('int32');
    expect(m.shape).toEqual([]);
    m.dispose();
    expect(tf.tidy(() => Array.from(tf.max(tf.tensor2d([[1, 9], [7, 2]]), 1).dataSync()))).toEqual(reference.axisMax);
  });
});
