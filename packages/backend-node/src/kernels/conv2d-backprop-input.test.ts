import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxRelError, randn, runOn } from '../../test/helpers';
import { isConv2dBackpropInputAsConv } from './conv2d-backprop-input';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** Plain-JS dx[b, iy, ix, c] = sum over (oy, ox, fy, fx) with oy*s - padT + fy = iy, ... of dy[b, oy, ox, o] * W[fy, fx, c, o]. */
function reference(dy: Float32Array, dys: number[], w: Float32Array, f: number[], xs: number[], stride: number, padTop: number, padLeft: number): Float32Array {
  const [b, h, wd, ci] = xs;
  const [, oh, ow, co] = dys;
  const [fh, fw] = f;
  const out = new Float32Array(b * h * wd * ci);
  for (let n = 0; n < b; n++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    for (let fy = 0; fy < fh; fy++) for (let fx = 0; fx < fw; fx++) {
      const iy = oy * stride - padTop + fy;
      const ix = ox * stride - padLeft + fx;
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      for (let c = 0; c < ci; c++) {
        let acc = 0;
        for (let o = 0; o < co; o++) acc += dy[((n * oh + oy) * ow + ox) * co + o] * w[((fy * fw + fx) * ci + c) * co + o];
        out[((n * h + iy) * wd + ix) * ci + c] += acc;
      }
    }
  }
  return out;
}

const cases: Array<{ name: string; x: number[]; f: number[]; stride: number; pad: Pad }> = [
  { name: '3x3 same stride 1, batch 2', x: [2, 7, 9, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { name: '3x3 stride 2 same, odd sizes, batch 2', x: [2, 7, 9, 3], f: [3, 3, 3, 5], stride: 2, pad: 'same' },
  { name: '1x1 valid', x: [1, 5, 5, 4], f: [1, 1, 4, 6], stride: 1, pad: 'valid' },
  { name: '3x3 explicit right/bottom pad, stride 2 (the downsample)', x: [3, 8, 6, 2], f: [3, 3, 2, 4], stride: 2, pad: [[0, 0], [0, 1], [0, 1], [0, 0]] },
  { name: '4x2 kernel stride 3 valid (rows and columns left over)', x: [2, 11, 10, 3], f: [4, 2, 3, 2], stride: 3, pad: 'valid' },
  { name: '5x5 same, stride 1, batch 4', x: [4, 6, 7, 3], f: [5, 5, 3, 3], stride: 1, pad: 'same' },
];

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
