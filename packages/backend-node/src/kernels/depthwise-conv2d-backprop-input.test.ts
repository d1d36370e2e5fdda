import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxRelError, randn, runOn } from '../../test/helpers';

/** MobileNetV2's depthwise convs (3x3, stride 1 and 2, 'same') a channel multiplier and a 'valid' case (tfjs has no gradient for dilation > 1). */
const cases = [
  { name: '3x3 same stride 1', x: [2, 8, 8, 6], f: [3, 3, 6, 1], stride: 1, pad: 'same' as const, dilation: 1 },
  { name: '3x3 same stride 2, odd side', x: [2, 9, 7, 4], f: [3, 3, 4, 1], stride: 2, pad: 'same' as const, dilation: 1 },
  { name: '3x3 valid, multiplier 2', x: [1, 7, 7, 3], f: [3, 3, 3, 2], stride: 1, pad: 'valid' as const, dilation: 1 },
];

// runOn fails on a leaked tensor.
describe('DepthwiseConv2dNativeBackpropInput on wasm', () => {
  it.each(cases)('gives the cpu backend\'s input gradient: $name', async ({ x: xs, f, stride, pad, dilation }) => {
    const x = randn(5, xs.reduce((a, b) => a * b));
    const w = randn(6, f.reduce((a, b) => a * b));
    const grad = () => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(t as tf.Tensor4D, tf.tensor4d(w, f as never), stride, pad, 'NHWC', dilation))))(tf.tensor4d(x, xs as never));
    const [onWasm] = await runOn('wasm', grad);
    const [onCpu] = await runOn('cpu', grad);
    expect(maxRelError(onWasm, onCpu)).toBeLessThan(1e-5);
  });
});
