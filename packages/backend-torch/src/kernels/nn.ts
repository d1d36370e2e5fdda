import type { KernelConfig } from '@tensorflow/tfjs-core';
import { aten } from '../op';
import { kernel } from './define';

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
];
