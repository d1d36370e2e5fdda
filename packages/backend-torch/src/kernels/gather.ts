import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';
import { kernel } from './define';

const RESHAPE = aten('reshape');
const TO = aten('_to_copy');
const INDEX_SELECT = aten('index_select');
const INDEX_ADD = aten('index_add');
const ZEROS = aten('zeros');

/** int32 indices as int64, flat, range-checked by ATen (out of range throws). */
function flatIndex(b: TorchBackend, indices: TensorInfo): number {
  return b.t(TO, b.t(RESHAPE, b.input(indices), [-1]), 'int64');
}

function gather(b: TorchBackend, x: TensorInfo, indices: TensorInfo, axis: number, batchDims: number): TensorInfo {
  const rank = x.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const bd = batchDims < 0 ? batchDims + indices.shape.length : batchDims;
  if (bd === 0) {
    const picked = b.t(INDEX_SELECT, b.input(x), a, flatIndex(b, indices));
    const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
    return b.out(RESHAPE, [picked, shape], x.dtype);
  }
  // Batched: fold the batch dims into the gather by offsetting each batch's indices.
  const batch = x.shape.slice(0, bd).reduce((p, q) => p * q, 1);
  const outer = x.shape.slice(bd, a).reduce((p, q) => p * q, 1);
  const axisSize = x.shape[a];
  const inner = x.shape.slice(a + 1).reduce((p, q) => p * q, 1);
  const perBatch = indices.shape.slice(bd).reduce((p, q) => p * q, 1);
  const xi = b.t(RESHAPE, b.t(aten('movedim.int'), b.t(RESHAPE, b.input(x), [batch, outer, axisSize, inner]), 1, 2), [batch * axisSize, outer * inner]);
  const offsets = b.t(aten('mul.Scalar'), b.t(aten('arange'), batch, 'int64', null, b.device), axisSize);
  const idx = b.t(aten('add.Tensor'), b.t(RESHAPE, b.t(TO, b.input(indices), 'int64'), [batch, perBatch]), b.t(RESHAPE, offsets, [batch, 1]));
  const picked = b.t(INDEX_SELECT, xi, 0, b.t(RESHAPE, idx, [-1]));
  const back = b.t(aten('movedim.int'), b.t(RESHAPE, picked, [batch, perBatch, outer, inner]), 1, 2);
  const shape = [...x.shape.slice(0, a), ...indices.shape.slice(bd), ...x.shape.slice(a + 1)];
  return b.out(RESHAPE, [back, shape], x.dtype);
}

/**
 * Row-major offsets of `indices`' last-dim tuples into the first `depth` dims of
 * `shape`: one flat int64 index per tuple (for an index_select / index_add over
 * the tensor viewed as [rows, ...inner]).
 */
function tupleOffsets(b: TorchBackend, indices: TensorInfo, shape: number[]): { flat: number; rows: number; lead: number[]; inner: number[] } {
  const depth = indices.shape[indices.shape.length - 1];
  const lead = indices.shape.slice(0, -1);
  const n = lead.reduce((p, q) => p * q, 1);
  const strides: number[] = [];
  let rows = 1;
  for (let d = depth - 1; d >= 0; d--) { strides[d] = rows; rows *= shape[d]; }
  const idx = b.t(TO, b.t(RESHAPE, b.input(indices), [n, depth]), 'int64');
  let flat = -1;
  for (let d = 0; d < depth; d++) {
    const term = b.t(aten('mul.Scalar'), b.t(aten('select.int'), idx, 1, d), strides[d]);
    flat = flat < 0 ? term : b.t(aten('add.Tensor'), flat, term);
  }
  return { flat, rows, lead, inner: shape.slice(depth) };
}

function gatherNd(b: TorchBackend, params: TensorInfo, indices: TensorInfo): TensorInfo {
  const { flat, rows, lead, inner } = tupleOffsets(b, indices, params.shape);
  const table = b.t(RESHAPE, b.input(params), [rows, ...inner]);
  return b.out(RESHAPE, [b.t(INDEX_SELECT, table, 0, flat), [...lead, ...inner]], params.dtype);
}

/** GatherNd's inverse (its gradient): updates summed into zeros at the index tuples. */
function scatterNd(b: TorchBackend, indices: TensorInfo, updates: TensorInfo, target: number[]): TensorInfo {
  const { flat, rows, lead, inner } = tupleOffsets(b, indices, target);
  const n = lead.reduce((p, q) => p * q, 1);
  const zeros = b.t(ZEROS, [rows, ...inner], updates.dtype, null, b.device);
  const summed = b.t(INDEX_ADD, zeros, 0, flat, b.t(RESHAPE, b.input(updates), [n, ...inner]));
  return b.out(RESHAPE, [summed, target], updates.dtype);
}

function segmentSum(b: TorchBackend, data: number, dataShape: number[], ids: number, numSegments: number, dtype: DataType): number {
  const zeros = b.t(ZEROS, [numSegments, ...dataShape.slice(1)], dtype, null, b.device);
  return b.t(INDEX_ADD, zeros, 0, ids, data);
}

export const GATHER_KERNELS: KernelConfig[] = [
  kernel('GatherV2', (b, { x, indices }, { axis, batchDims }) => gather(b, x, indices, axis as number, (batchDims as number) ?? 0)),
  kernel('GatherNd', (b, { params, indices }) => gatherNd(b, params, indices)),
  kernel('ScatterNd', (b, { indices, updates }, { shape }) => scatterNd(b, indices, updates, shape as number[])),
  kernel('OneHot', (b, { indices }, { depth, onValue, offValue, dtype }) => {
    // Out-of-range indices (tfjs: -1 for "none") give an all-off row, as in tfjs.
    const range = b.t(aten('arange'), depth, 'int32', null, b.device);
    const hit = b.t(aten('eq.Tensor'), b.t(aten('unsqueeze'), b.input(indices), -1), range);
    const t = (dtype as DataType) ?? 'int32';
    const on = b.t(aten('scalar_tensor'), onValue, t, null, b.device);
    const off = b.t(aten('scalar_tensor'), offValue, t, null, b.device);
    return b.out(aten('where.self'), [hit, on, off], t);
  }),
  kernel('UnsortedSegmentSum', (b, { x, segmentIds }, { numSegments }) => {
    const rows = segmentIds.shape.reduce((p, q) => p * q, 1);
    const inner = x.shape.slice(segmentIds.shape.length);
    const data = b.t(RESHAPE, b.input(x), [rows, ...inner]);
    return b.output(b.temp(aten('clone'), [segmentSum(b, data, [rows, ...inner], flatIndex(b, segmentIds), numSegments as number, x.dtype)]), x.dtype);
  }),
  ...(['SparseSegmentSum', 'SparseSegmentMean'] as const).map((name) => kernel(name, (b, { data, indices, segmentIds }) => {
    const ids = b.native.toBuffer(b.input(segmentIds)) as Int32Array;
    const numSegments = ids.length === 0 ? 0 : ids[ids.length - 1] + 1;
    const picked = b.t(INDEX_SELECT, b.input(data), 0, flatIndex(b, indices));
    const segIds = flatIndex(b, segmentIds);
    const sum = segmentSum(b, picked, [ids.length, ...data.shape.slice(1)], segIds, numSegments, data.dtype);
    if (name === 'SparseSegmentSum') return b.output(b.temp(aten('clone'), [sum]), data.dtype);
    const ones = b.t(aten('ones'), [ids.length], 'float32', null, b.device);
    const counts = b.t(aten('clamp_min'), segmentSum(b, ones, [ids.length], segIds, numSegments, 'float32'), 1);
    const shape = [numSegments, ...data.shape.slice(1).map(() => 1)];
    return b.out(aten('div.Tensor'), [sum, b.t(RESHAPE, counts, shape)], data.dtype);
  })),
];
