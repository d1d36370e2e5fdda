import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';
import { activate } from './activation';
import { kernel } from './define';

const MATMUL = aten('matmul');
const TRANSPOSE = aten('transpose.int');

function product(b: TorchBackend, a: TensorInfo, y: TensorInfo, transposeA: unknown, transposeB: unknown): number {
  let ai = b.input(a);
  let bi = b.input(y);
  // Transposes are views: ATen's matmul hands the strides to BLAS without copying.
  if (transposeA) ai = b.t(TRANSPOSE, ai, -1, -2);
  if (transposeB) bi = b.t(TRANSPOSE, bi, -1, -2);
  return b.t(MATMUL, ai, bi);
}

export const MATMUL_KERNELS: KernelConfig[] = [
  kernel('BatchMatMul', (b, { a, b: y }, { transposeA, transposeB }) =>
    b.output(b.temp(aten('contiguous'), [product(b, a, y, transposeA, transposeB)]), 'float32')),
  kernel('_FusedMatMul', (b, { a, b: y, bias, preluActivationWeights }, { transposeA, transposeB, activation, leakyreluAlpha }) => {
    let out = product(b, a, y, transposeA, transposeB);
    if (bias != null) out = b.t(aten('add.Tensor'), out, b.input(bias));
    return b.output(b.temp(aten('contiguous'), [activate(b, out, activation, preluActivationWeights, leakyreluAlpha)]), 'float32');
  }),
  kernel('Einsum', (b, inputs, { equation }) => {
    const xs = Object.values(inputs) as TensorInfo[];
    return b.out(aten('einsum'), [equation, xs.map((t) => b.input(t))], 'float32');
  }),
];
