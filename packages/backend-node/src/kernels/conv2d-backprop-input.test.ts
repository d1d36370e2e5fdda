import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CONV_CASES, forEachConvTap, maxRelError, randn, runOn } from '../../test/helpers';
import { isConv2dBackpropInputAsConv } from './conv2d-backprop-input';

/** Plain-JS dx[b, iy, ix, c] = sum over (oy, ox, fy, fx) with oy*s - padT + fy = iy, ... of dy[b, oy, ox, o] * W[fy, fx, c, o]. */
function reference(dy: Float32Array, dys: number[], w: Float32Array, f: number[], xs: number[], stride: number, padTop: number, padLeft: number): Float32Array {
  const [ci, co] = [xs[3], dys[3]];
  const out = new Float32Array(xs.reduce((a, b) => a * b));
  forEachConvTap(xs, dys, f, stride, padTop, padLeft, (xAt, dyAt, wAt) => {
    for (let c = 0; c < ci; c++) {
      let acc = 0;
      for (let o = 0; o < co; o++) acc += dy[dyAt + o] * w[wAt + c * co + o];
      out[xAt + c] += acc;
    }
  });
  return out;
}

/** The shared conv shapes, plus stride 1 "same" (the dx of every 3x3 conv of the model). */
const cases = [{ name: '3x3 same stride 1, batch 2', x: [2, 7, 9, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same' as const }, ...CONV_CASES];

describe('Conv2DBackpropInput on wasm (as a forward conv)', () => {
  it.each(cases)('matches a plain-JS reference: $name', async ({ x: xs, f, stride, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(xs as never, f as never, stride, 1, pad);
    const dys = [xs[0], info.outHeight, info.outWidth, f[3]];
    const dy = randn(3, dys.reduce((a, b) => a * b));
    const w = randn(7, f.reduce((a, b) => a * b));
    const [got] = await runOn('wasm', () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor4d(dy, dys as never), filter: tf.tensor4d(w, f as never) }, { inputShape: xs, strides: stride, pad, dataFormat: 'NHWC' }) as tf.Tensor);
    expect(isConv2dBackpropInputAsConv(tf.getKernel('Conv2DBackpropInput', 'wasm'))).toBe(true);
    expect(maxRelError(got, reference(dy, dys, w, f, xs, stride, info.padInfo.top, info.padInfo.left))).toBeLessThan(1e-5);
  });

  it('gives the same conv gradient as the cpu backend', async () => {
    const xs = [2, 9, 8, 4];
    const x = randn(11, 2 * 9 * 8 * 4);
    const w = randn(12, 3 * 3 * 4 * 6);
    const grad = () => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.conv2d(t as tf.Tensor4D, tf.tensor4d(w, [3, 3, 4, 6]), 2, 'same'))))(tf.tensor4d(x, xs as never));
    const [onWasm] = await runOn('wasm', grad);
    const [onCpu] = await runOn('cpu', grad);
    expect(maxRelError(onWasm, onCpu)).toBeLessThan(1e-5);
  });
});
