import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';

/** tfjs's fused activations on a native tensor (a temporary of the kernel). */
export function activate(b: TorchBackend, id: number, activation: unknown, prelu?: TensorInfo, leakyAlpha?: unknown): number {
  switch (activation ?? 'linear') {
    case 'linear': return id;
    case 'relu': return b.t(aten('relu'), id);
    case 'relu6': return b.t(aten('hardtanh'), id, 0, 6);
    case 'sigmoid': return b.t(aten('sigmoid'), id);
    case 'elu': return b.t(aten('elu'), id);
    case 'leakyrelu': return b.t(aten('leaky_relu'), id, (leakyAlpha as number) ?? 0.2);
    case 'prelu': {
      if (prelu == null) throw new Error('the torch backend: prelu activation without preluActivationWeights');
      return b.t(aten('where.self'), b.t(aten('lt.Scalar'), id, 0), b.t(aten('mul.Tensor'), id, b.input(prelu)), id);
    }
    default: throw new Error(`the torch backend: unknown fused activation "${String(activation)}"`);
  }
}
