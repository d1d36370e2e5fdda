import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxRelError, randn, runOn } from '../../test/helpers';

/** Adjoint reference: dx = J^T dy where J is the forward resize (computed by resizing one-hot images). */
async function adjointReference(shape: number[], size: [number, number], dy: Float32Array, alignCorners: boolean, halfPixelCenters: boolean): Promise<Float32Array> {
  const [b, h, w, c] = shape;
  // <dy, resize(e_i)> for every basis image e_i: batch all h*w*c basis images of one batch item.
  const perItem = h * w * c;
  const out = new Float32Array(b * perItem);
  const basis = tf.tidy(() => tf.reshape(tf.eye(perItem), [perItem, h, w, c]));
  const resized = tf.tidy(() => tf.reshape(tf.image.resizeNearestNeighbor(basis as tf.Tensor4D, size, alignCorners, halfPixelCenters), [perItem, -1]));
  const r = await resized.data();
  const m = size[0] * size[1] * c;
  for (let n = 0; n < b; n++) for (let i = 0; i < perItem; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += r[i * m + j] * dy[n * m + j];
    out[n * perItem + i] = s;
  }
  tf.dispose([basis, resized]);
  return out;
}

describe('ResizeNearestNeighborGrad (replaces cpu\'s and wasm\'s)', () => {
  it.each([
    { shape: [3, 4, 5, 2], size: [8, 10] as [number, number], alignCorners: false, halfPixelCenters: false },
    { shape: [2, 5, 3, 3], size: [7, 8] as [number, number], alignCorners: true, halfPixelCenters: false },
    { shape: [2, 6, 4, 1], size: [4, 9] as [number, number], alignCorners: false, halfPixelCenters: true },
    { shape: [4, 3, 3, 2], size: [6, 6] as [number, number], alignCorners: false, halfPixelCenters: false },
  ])('cpu equals J^T dy and wasm for %o', async ({ shape, size, alignCorners, halfPixelCenters }) => {
    const x = randn(21, shape.reduce((a, b) => a * b));
    const dy = randn(22, shape[0] * size[0] * size[1] * shape[3]);
    const run = () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(t as tf.Tensor4D, size, alignCorners, halfPixelCenters), tf.tensor(dy, [shape[0], size[0], size[1], shape[3]]))))(tf.tensor4d(x, shape as never));
    const [cpu] = await runOn('cpu', run);
    const want = await adjointReference(shape, size, dy, alignCorners, halfPixelCenters);
    expect(maxRelError(cpu, want)).toBeLessThan(1e-6);
    const [wasm] = await runOn('wasm', run);
    expect(maxRelError(wasm, want)).toBeLessThan(1e-6);
  });
});
