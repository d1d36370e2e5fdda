import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';
import { kernel } from './define';

const CLONE = aten('clone');
const RESHAPE = aten('reshape');
const SLICE = aten('slice.Tensor');
const FLIP = aten('flip');

/** Slices every dim of `id` [begin, begin + size) (views; no copy). */
function sliceDims(b: TorchBackend, id: number, begin: number[], size: number[], shape: number[]): number {
  let out = id;
  for (let d = 0; d < begin.length; d++) {
    if (begin[d] === 0 && size[d] === shape[d]) continue;
    out = b.t(SLICE, out, d, begin[d], begin[d] + size[d], 1);
  }
  return out;
}

function stridedSlice(b: TorchBackend, x: TensorInfo, attrs: Record<string, unknown>): TensorInfo {
  const a = attrs as unknown as { begin: number[]; end: number[]; strides: number[]; beginMask: number; endMask: number; ellipsisMask: number; newAxisMask: number; shrinkAxisMask: number };
  const info = slice_util.sliceInfo(x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
  let id = b.input(x);
  if (!info.isIdentity) {
    for (let d = 0; d < x.shape.length; d++) {
      const s = info.strides[d];
      if (s > 0) {
        if (info.begin[d] === 0 && info.end[d] >= x.shape[d] && s === 1) continue;
        id = b.t(SLICE, id, d, info.begin[d], Math.max(info.begin[d], info.end[d]), s);
      } else {
        // A negative stride walks backwards from begin (inclusive) to end (exclusive).
        const first = Math.min(info.begin[d], x.shape[d] - 1);
        const last = info.end[d];
        const flipped = b.t(FLIP, b.t(SLICE, id, d, last + 1, first + 1, 1), [d]);
        id = b.t(SLICE, flipped, d, 0, Math.max(0, first - last), -s);
      }
    }
  }
  return b.output(b.temp(RESHAPE, [id, info.finalShape]), x.dtype);
}

function pad(b: TorchBackend, x: TensorInfo, paddings: Array<[number, number]>, value: number): TensorInfo {
  // ATen lists pads from the last dim backwards: [left_last, right_last, left_prev, ...].
  const list: number[] = [];
  for (let d = paddings.length - 1; d >= 0; d--) list.push(paddings[d][0], paddings[d][1]);
  return b.out(aten('constant_pad_nd'), [b.input(x), list, value], x.dtype);
}

function mirrorPad(b: TorchBackend, x: TensorInfo, paddings: Array<[number, number]>, mode: string): TensorInfo {
  // Dim by dim with slices and flips: exact for any rank (reflect skips the edge, symmetric repeats it).
  let id = b.input(x);
  const shape = [...x.shape];
  const skip = mode === 'reflect' ? 1 : 0;
  for (let d = 0; d < shape.length; d++) {
    const [lo, hi] = paddings[d];
    if (lo === 0 && hi === 0) continue;
    const parts: number[] = [];
    if (lo > 0) parts.push(b.t(FLIP, b.t(SLICE, id, d, skip, skip + lo, 1), [d]));
    parts.push(id);
    if (hi > 0) parts.push(b.t(FLIP, b.t(SLICE, id, d, shape[d] - skip - hi, shape[d] - skip, 1), [d]));
    id = b.t(aten('cat'), parts, d);
    shape[d] += lo + hi;
  }
  return b.output(b.temp(CLONE, [id]), x.dtype);
}

function fill(b: TorchBackend, shape: number[], value: number, dtype: DataType): TensorInfo {
  return b.out(aten('full'), [shape, value, dtype, null, b.device], dtype);
}

export const SHAPE_KERNELS: KernelConfig[] = [
  kernel('Reshape', (b, { x }, { shape }) => b.alias(x, util.inferFromImplicitShape(shape as number[], util.sizeFromShape(x.shape)))),
  kernel('Transpose', (b, { x }, { perm }) => b.out(aten('permute'), [b.input(x), perm], x.dtype)),
  kernel('Slice', (b, { x }, { begin, size }) => {
    const [$begin, $size] = slice_util.parseSliceParams(x as never, begin as number[], size as number[]);
    return b.output(b.temp(CLONE, [sliceDims(b, b.input(x), $begin, $size, x.shape)]), x.dtype);
  }),
  kernel('StridedSlice', (b, { x }, attrs) => stridedSlice(b, x, attrs as Record<string, unknown>)),
  kernel('Concat', (b, inputs, { axis }) => {
    const xs = (Object.values(inputs) as TensorInfo[]).filter((t) => util.sizeFromShape(t.shape) > 0);
    const all = Object.values(inputs) as TensorInfo[];
    const a = util.parseAxisParam(axis as number, all[0].shape)[0];
    const shape = backend_util.computeOutShape(all.map((t) => t.shape), a);
    const dtype = all.map((t) => t.dtype).reduce((p, q) => backend_util.upcastType(p, q));
    if (xs.length === 0) return fill(b, shape, 0, dtype);
    return b.out(aten('cat'), [xs.map((t) => b.input(t)), a], dtype);
  }),
  kernel('Pack', (b, inputs, { axis }) => {
    const xs = Object.values(inputs) as TensorInfo[];
    const a = (axis as number) < 0 ? (axis as number) + xs[0].shape.length + 1 : (axis as number);
    return b.out(aten('stack'), [xs.map((t) => b.input(t)), a], xs[0].dtype);
  }),
  kernel('Unpack', (b, { value }, { axis }) => {
    const a = (axis as number) < 0 ? (axis as number) + value.shape.length : (axis as number);
    return b.runAll(aten('unbind.int'), [b.input(value), a]).map((t) => b.output(b.temp(CLONE, [t.id]), value.dtype));
  }),
  kernel('SplitV', (b, { x }, { numOrSizeSplits, axis }) => {
    const a = util.parseAxisParam(axis as number, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits as number[], a) as number[];
    return b.runAll(aten('split_with_sizes'), [b.input(x), sizes, a]).map((t) => b.output(b.temp(CLONE, [t.id]), x.dtype));
  }),
  kernel('Tile', (b, { x }, { reps }) => b.out(aten('repeat'), [b.input(x), reps], x.dtype)),
  kernel('PadV2', (b, { x }, { paddings, constantValue }) => pad(b, x, paddings as Array<[number, number]>, constantValue as number)),
  kernel('MirrorPad', (b, { x }, { paddings, mode }) => mirrorPad(b, x, paddings as Array<[number, number]>, mode as string)),
  kernel('Reverse', (b, { x }, { dims }) => {
    const axes = util.parseAxisParam(dims as number[], x.shape);
    if (axes.length === 0) return b.output(b.temp(CLONE, [b.input(x)]), x.dtype);
    return b.out(FLIP, [b.input(x), axes], x.dtype);
  }),
  kernel('BroadcastTo', (b, { x }, { shape }) => {
    const target = shape as number[];
    const padded = [...new Array(target.length - x.shape.length).fill(1), ...x.shape];
    const view = b.t(aten('expand'), b.t(RESHAPE, b.input(x), padded), target);
    return b.output(b.temp(CLONE, [view]), x.dtype);
  }),
  kernel('Fill', (b, _inputs, { shape, value, dtype }) => fill(b, shape as number[], value as number, (dtype as DataType) ?? 'float32')),
  // Like tfjs's own backends, these read only x's shape (tfjs's gradients pass
  // tensors that may already be disposed).
  kernel('ZerosLike', (b, { x }) => fill(b, x.shape, 0, x.dtype)),
  kernel('OnesLike', (b, { x }) => fill(b, x.shape, 1, x.dtype)),
  kernel('Range', (b, _inputs, { start, stop, step, dtype }) => {
    const n = Math.max(0, Math.ceil(((stop as number) - (start as number)) / (step as number)));
    const t = dtype as DataType;
    if (n === 0) return fill(b, [0], 0, t);
    // start + i * step, as tfjs computes it (not ATen's accumulated arange).
    const i = b.t(aten('arange'), n, 'float32', null, b.device);
    return b.out(aten('add.Scalar'), [b.t(aten('mul.Scalar'), i, step), start], t);
  }),
  kernel('LinSpace', (b, _inputs, { start, stop, num }) => b.out(aten('linspace'), [start, stop, num, 'float32', null, b.device], 'float32')),
];
