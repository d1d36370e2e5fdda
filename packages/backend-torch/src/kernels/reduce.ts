import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';
import { axesOf, kernel } from './define';

const CLONE = aten('clone');
const RESHAPE = aten('reshape');

/** The tfjs output of a reduction over no axes: the input itself. */
function identity(b: TorchBackend, x: TensorInfo, dtype: DataType): TensorInfo {
  return b.output(b.temp(CLONE, [b.input(x)]), dtype);
}

/**
 * Reduction over several dims with an ATen op that takes a dim list. tfjs names
 * the axes `reductionIndices` for Max (and `axis` for the others).
 */
function listReduce(name: string, op: string, dtypeOf: (x: TensorInfo) => DataType, axisAttr = 'axis'): KernelConfig {
  const OP = aten(op);
  return kernel(name, (b, { x }, attrs) => {
    const { keepDims } = attrs;
    const axes = axesOf(attrs[axisAttr], x.shape.length);
    if (axes.length === 0) return identity(b, x, dtypeOf(x));
    return b.out(OP, [b.input(x), axes, Boolean(keepDims)], dtypeOf(x));
  });
}

/** Reduction with an ATen op that takes one dim: applied dim by dim, last first. */
function dimReduce(name: string, op: string, dtypeOf: (x: TensorInfo) => DataType): KernelConfig {
  const OP = aten(op);
  return kernel(name, (b, { x }, { axis, keepDims }) => {
    const axes = axesOf(axis, x.shape.length).sort((p, q) => q - p);
    if (axes.length === 0) return identity(b, x, dtypeOf(x));
    let id = b.input(x);
    for (const a of axes) id = b.t(OP, id, a, true);
    const shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const final = keepDims ? shape : shape.filter((_, i) => !axes.includes(i));
    return b.out(RESHAPE, [id, final], dtypeOf(x));
  });
}

const sumType = (x: TensorInfo): DataType => (x.dtype === 'float32' ? 'float32' : 'int32');
const same = (x: TensorInfo): DataType => x.dtype;

function argReduce(name: string, op: string): KernelConfig {
  const OP = aten(op);
  return kernel(name, (b, { x }, { axis }) => {
    const [a] = axesOf(axis, x.shape.length);
    return b.out(OP, [b.input(x), a, false], 'int32');
  });
}

export const REDUCE_KERNELS: KernelConfig[] = [
  listReduce('Sum', 'sum.dim_IntList', sumType),
  listReduce('Mean', 'mean.dim', () => 'float32'),
  listReduce('Max', 'amax', same, 'reductionIndices'),
  listReduce('Min', 'amin', same),
  dimReduce('Prod', 'prod.dim_int', sumType),
  dimReduce('All', 'all.dim', () => 'bool'),
  dimReduce('Any', 'any.dim', () => 'bool'),
  argReduce('ArgMax', 'argmax'),
  argReduce('ArgMin', 'argmin'),
  kernel('Cumsum', (b, { x }, { axis, exclusive, reverse }) => {
    const rank = x.shape.length;
    const a = (axis as number) < 0 ? (axis as number) + rank : (axis as number);
    let id = b.input(x);
    if (reverse) id = b.t(aten('flip'), id, [a]);
    id = b.t(aten('cumsum'), id, a);
    if (exclusive) {
      // Shift by one along the axis: pad a zero in front, drop the last.
      const pad = new Array(2 * (rank - a)).fill(0);
      pad[2 * (rank - 1 - a)] = 1;
      id = b.t(aten('narrow'), b.t(aten('constant_pad_nd'), id, pad, 0), a, 0, x.shape[a]);
    }
    if (reverse) id = b.t(aten('flip'), id, [a]);
    return b.output(b.temp(CLONE, [id]), x.dtype === 'float32' ? 'float32' : 'int32');
  }),
];
