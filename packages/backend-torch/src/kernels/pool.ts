import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';
import { kernel } from './define';
import { cropNchw, inputNchw, nchw, outputFromNchw } from './layout';

const PAD = aten('constant_pad_nd');

interface PoolAttrs { filterSize: number | [number, number]; strides: number | [number, number]; pad: never; dimRoundingMode?: 'floor' | 'round' | 'ceil' }

function poolInfo(shape: number[], a: PoolAttrs): backend_util.Conv2DInfo {
  return backend_util.computePool2DInfo(shape as never, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
}

/** NCHW view of x with tfjs's (possibly asymmetric) padding applied explicitly. */
function padded(b: TorchBackend, x: number, info: backend_util.Conv2DInfo, value: number): number {
  const { top, bottom, left, right } = info.padInfo;
  const view = nchw(b, x);
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return view;
  return b.t(PAD, view, [left, right, top, bottom], value);
}

function window(info: backend_util.Conv2DInfo): [number[], number[]] {
  return [[info.filterHeight, info.filterWidth], [info.strideHeight, info.strideWidth]];
}

function maxPool(b: TorchBackend, x: TensorInfo, a: PoolAttrs): TensorInfo {
  const info = poolInfo(x.shape, a);
  const [k, s] = window(info);
  const y = b.t(aten('max_pool2d'), padded(b, b.input(x), info, -Infinity), k, s, [0, 0], [1, 1], false);
  return outputFromNchw(b, y, x.dtype);
}

/** tfjs averages over the window's in-image positions only: a sum pool over a count pool. */
function avgPool(b: TorchBackend, x: TensorInfo, a: PoolAttrs): TensorInfo {
  const info = poolInfo(x.shape, a);
  const [k, s] = window(info);
  const avg = (id: number) => b.t(aten('avg_pool2d'), id, k, s, [0, 0], false, true, null);
  const xi = b.input(x);
  const sums = avg(padded(b, xi, info, 0));
  const ones = b.t(aten('ones'), [1, 1, x.shape[1], x.shape[2]], 'float32', null, b.device);
  const { top, bottom, left, right } = info.padInfo;
  const counts = avg(top + bottom + left + right === 0 ? ones : b.t(PAD, ones, [left, right, top, bottom], 0));
  const y = b.t(aten('div.Tensor'), sums, counts);
  return outputFromNchw(b, y);
}

function maxPoolGrad(b: TorchBackend, dy: TensorInfo, input: TensorInfo, a: PoolAttrs): TensorInfo {
  const info = poolInfo(input.shape, a);
  const [k, s] = window(info);
  const xp = padded(b, b.input(input), info, -Infinity);
  const [, idx] = b.runAll(aten('max_pool2d_with_indices'), [xp, k, s, [0, 0], [1, 1], false]);
  const dyN = inputNchw(b, dy);
  const gp = b.t(aten('max_pool2d_with_indices_backward'), dyN, xp, k, s, [0, 0], [1, 1], false, idx.id);
  const { top, left } = info.padInfo;
  return outputFromNchw(b, cropNchw(b, gp, top, left, input.shape[1], input.shape[2]));
}

function avgPoolGrad(b: TorchBackend, dy: TensorInfo, input: TensorInfo, a: PoolAttrs): TensorInfo {
  const info = poolInfo(input.shape, a);
  const [k, s] = window(info);
  const { top, bottom, left, right } = info.padInfo;
  // d(sum/count)/dx: spread dy/count over each window (count = in-image positions).
  const ones = b.t(aten('ones'), [1, 1, input.shape[1], input.shape[2]], 'float32', null, b.device);
  const onesP = top + bottom + left + right === 0 ? ones : b.t(PAD, ones, [left, right, top, bottom], 0);
  const counts = b.t(aten('avg_pool2d'), onesP, k, s, [0, 0], false, true, null);
  const dyN = b.t(aten('div.Tensor'), inputNchw(b, dy), counts);
  const shapeP = [input.shape[0], input.shape[3], input.shape[1] + top + bottom, input.shape[2] + left + right];
  const ref = b.t(aten('zeros'), shapeP, 'float32', null, b.device);
  // avg_pool2d_backward divides by the window size; undo it to get a plain spread.
  const spread = b.t(aten('mul.Scalar'), b.t(aten('avg_pool2d_backward'), dyN, ref, k, s, [0, 0], false, true, null), k[0] * k[1]);
  return outputFromNchw(b, cropNchw(b, spread, top, left, input.shape[1], input.shape[2]));
}

export const POOL_KERNELS: KernelConfig[] = [
  kernel('MaxPool', (b, { x }, attrs) => maxPool(b, x, attrs as unknown as PoolAttrs)),
  kernel('AvgPool', (b, { x }, attrs) => avgPool(b, x, attrs as unknown as PoolAttrs)),
  kernel('MaxPoolGrad', (b, { dy, input }, attrs) => maxPoolGrad(b, dy, input, attrs as unknown as PoolAttrs)),
  kernel('AvgPoolGrad', (b, { dy, input }, attrs) => avgPoolGrad(b, dy, input, attrs as unknown as PoolAttrs)),
];
