import type { KernelConfig } from '@tensorflow/tfjs-core';
import { aten } from '../op';
import { kernel } from './define';

const RESHAPE = aten('reshape');

export const NN_KERNELS: KernelConfig[] = [
  kernel('Softmax', (b, { logits }, { dim }) => b.out(aten('softmax.int'), [b.input(logits), dim as number], 'float32')),
  kernel('LogSoftmax', (b, { logits }, { axis }) => b.out(aten('log_softmax.int'), [b.input(logits), axis as number], 'float32')),
  kernel('TopK', (b, { x }, { k, sorted }) => {
    const [values, indices] = b.runAll(aten('topk'), [b.input(x), k as number, -1, true, sorted !== false]);
    return [b.output(values, x.dtype), b.output(indices, 'int32')];
  }),
  kernel('FusedBatchNorm', (b, { x, mean, variance, offset, scale }, { varianceEpsilon }) => {
    const inv = b.t(aten('rsqrt'), b.t(aten('add.Scalar'), b.input(variance), varianceEpsilon as number));
    const factor = scale != null ? b.t(aten('mul.Tensor'), inv, b.input(scale)) : inv;
    let y = b.t(aten('mul.Tensor'), b.t(aten('sub.Tensor'), b.input(x), b.input(mean)), factor);
    if (offset != null) y = b.t(aten('add.Tensor'), y, b.input(offset));
    return b.output(b.temp(aten('contiguous'), [y]), 'float32');
  }),
  kernel('ScatterNd', (b, { indices, updates }, { shape }) => {
    const target = shape as number[];
    const depth = indices.shape[indices.shape.length - 1];
    const n = indices.shape.slice(0, -1).reduce((p, q) => p * q, 1);
    const inner = target.slice(depth);
    let rows = 1;
    const strides: number[] = [];
    for (let d = depth - 1; d >= 0; d--) { strides[d] = rows; rows *= target[d]; }
    const idx = b.t(aten('_to_copy'), b.t(RESHAPE, b.input(indices), [n, depth]), 'int64');
    let flat = -1;
    for (let d = 0; d < depth; d++) {
      const term = b.t(aten('mul.Scalar'), b.t(aten('select.int'), idx, 1, d), strides[d]);
      flat = flat < 0 ? term : b.t(aten('add.Tensor'), flat, term);
    }
    const zeros = b.t(aten('zeros'), [rows, ...inner], updates.dtype, null, b.device);
    const summed = b.t(aten('index_add'), zeros, 0, flat, b.t(RESHAPE, b.input(updates), [n, ...inner]));
    return b.out(RESHAPE, [summed, target], updates.dtype);
  }),
];
