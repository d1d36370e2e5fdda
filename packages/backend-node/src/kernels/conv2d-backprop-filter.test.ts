import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CONV_CASES, forEachConvTap, maxRelError, randn, runOn, type Pad } from '../../test/helpers';

/** Runs the kernel directly (tfjs does not export the conv2DBackpropFilter op). */
function backpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], strides: number, pad: Pad, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat, filterShape }) as tf.Tensor;
}

/** Plain-JS dW[fy, fx, ci, co] = sum_{b,oy,ox} x[b, oy*s - padT + fy, ox*s - padL + fx, ci] * dy[b, oy, ox, co]. */
function reference(x: Float32Array, xs: number[], dy: Float32Array, dys: number[], f: number[], stride: number, padTop: number, padLeft: number): Float32Array {
  const [ci, co] = [xs[3], dys[3]];
  const out = new Float32Array(f[0] * f[1] * ci * co);
  forEachConvTap(xs, dys, f, stride, padTop, padLeft, (xAt, dyAt, wAt) => {
    for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) out[wAt + c * co + o] += x[xAt + c] * dy[dyAt + o];
  });
  return out;
}

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(CONV_CASES)('matches a plain-JS reference: $name', async ({ x: xs, f, stride, pad }) => {
    const x = randn(1, xs.reduce((a, b) => a * b));
    const info = tf.backend_util.computeConv2DInfo(xs as never, f as never, stride, 1, pad);
    const dys = [xs[0], info.outHeight, info.outWidth, f[3]];
    const dy = randn(3, dys.reduce((a, b) => a * b));
    const [got] = await runOn('wasm', () => backpropFilter(tf.tensor4d(x, xs as never), tf.tensor4d(dy, dys as never), f as never, stride, pad));
    const want = reference(x, xs, dy, dys, f, stride, info.padInfo.top, info.padInfo.left);
    expect(maxRelError(got, want)).toBeLessThan(1e-5);
  });

  it('splits a large im2col into blocks and still matches the reference', async () => {
    // K = 3*3*64 = 576 rows x n = 2*64*64 = 8192 positions > 2^22 floats: two blocks.
    const xs = [2, 64, 64, 64];
    const f = [3, 3, 64, 2];
    const x = randn(4, xs.reduce((a, b) => a * b));
    const dy = randn(5, 2 * 64 * 64 * 2);
    const [got] = await runOn('wasm', () => backpropFilter(tf.tensor4d(x, xs as never), tf.tensor4d(dy, [2, 64, 64, 2]), f, 1, 'same'));
    expect(maxRelError(got, reference(x, xs, dy, [2, 64, 64, 2], f, 1, 1, 1))).toBeLessThan(1e-5);
  });

  it('handles NCHW input like cpu does', async () => {
    const x = randn(6, 2 * 3 * 7 * 5);
    const dy = randn(7, 2 * 4 * 4 * 3);
    const run = () => backpropFilter(tf.tensor4d(x, [2, 3, 7, 5]), tf.tensor4d(dy, [2, 4, 4, 3]), [3, 3, 3, 4], 2, 'same', 'NCHW');
    const [got] = await runOn('wasm', run);
    const [want] = await runOn('cpu', run);
    expect(maxRelError(got, want)).toBeLessThan(1e-5);
  });

  it('gives conv2d gradients equal to cpu (through tf.grads)', async () => {
    const x = randn(8, 2 * 9 * 9 * 3);
    const w = randn(9, 3 * 3 * 3 * 4);
    const run = () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))))([tf.tensor4d(x, [2, 9, 9, 3]), tf.tensor4d(w, [3, 3, 3, 4])] as never);
    const wasm = await runOn('wasm', run);
    const cpu = await runOn('cpu', run);
    expect(maxRelError(wasm[0], cpu[0])).toBeLessThan(1e-5);
    expect(maxRelError(wasm[1], cpu[1])).toBeLessThan(1e-5);
  });
});
