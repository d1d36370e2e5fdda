import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';
import { kernel } from './define';

// Resizing as tfjs's cpu kernels define it (alignCorners, halfPixelCenters),
// separably: bilinear as two interpolation matrices (einsum; the gradient is
// their transpose), nearest as two index_selects (the gradient: index_adds).

function ratio(oldSize: number, newSize: number, alignCorners: boolean): number {
  const effIn = alignCorners && newSize > 1 ? oldSize - 1 : oldSize;
  const effOut = alignCorners && newSize > 1 ? newSize - 1 : newSize;
  return effIn / effOut;
}

/** [newSize, oldSize] weights of tfjs's bilinear resize along one axis. */
function bilinearMatrix(oldSize: number, newSize: number, alignCorners: boolean, halfPixel: boolean): Float32Array {
  const m = new Float32Array(newSize * oldSize);
  const r = ratio(oldSize, newSize, alignCorners);
  for (let i = 0; i < newSize; i++) {
    const src = halfPixel ? r * (i + 0.5) - 0.5 : r * i;
    const lo = Math.max(0, Math.floor(src));
    const hi = Math.min(oldSize - 1, Math.ceil(src));
    const frac = src - lo;
    m[i * oldSize + lo] += 1 - frac;
    m[i * oldSize + hi] += frac;
  }
  return m;
}

/** Source index of each output index of tfjs's nearest-neighbour resize. */
function nearestIndex(oldSize: number, newSize: number, alignCorners: boolean, halfPixel: boolean): Int32Array {
  const out = new Int32Array(newSize);
  const r = ratio(oldSize, newSize, alignCorners);
  for (let i = 0; i < newSize; i++) {
    const src = halfPixel ? r * (i + 0.5) : r * i;
    let k = Math.min(oldSize - 1, alignCorners ? Math.round(src) : Math.floor(src));
    if (halfPixel) k = Math.max(0, k);
    out[i] = k;
  }
  return out;
}

function matrices(b: TorchBackend, oldH: number, oldW: number, newH: number, newW: number, attrs: Record<string, unknown>): [number, number] {
  const align = Boolean(attrs.alignCorners);
  const half = Boolean(attrs.halfPixelCenters);
  return [
    b.constant(bilinearMatrix(oldH, newH, align, half), [newH, oldH], 'float32'),
    b.constant(bilinearMatrix(oldW, newW, align, half), [newW, oldW], 'float32'),
  ];
}

function indices(b: TorchBackend, oldH: number, oldW: number, newH: number, newW: number, attrs: Record<string, unknown>): [number, number] {
  const align = Boolean(attrs.alignCorners);
  const half = Boolean(attrs.halfPixelCenters);
  return [
    b.constant(nearestIndex(oldH, newH, align, half), [newH], 'int64'),
    b.constant(nearestIndex(oldW, newW, align, half), [newW], 'int64'),
  ];
}

const EINSUM = aten('einsum');
const INDEX_SELECT = aten('index_select');

function bilinear(b: TorchBackend, images: TensorInfo, size: number[], attrs: Record<string, unknown>): TensorInfo {
  const [, oldH, oldW] = images.shape;
  const [my, mx] = matrices(b, oldH, oldW, size[0], size[1], attrs);
  const rows = b.t(EINSUM, 'yh,bhwc->bywc', [my, b.input(images)]);
  return b.out(EINSUM, ['xw,bywc->byxc', [mx, rows]], 'float32');
}

function bilinearGrad(b: TorchBackend, images: TensorInfo, dy: TensorInfo, attrs: Record<string, unknown>): TensorInfo {
  const [, oldH, oldW] = images.shape;
  const [my, mx] = matrices(b, oldH, oldW, dy.shape[1], dy.shape[2], attrs);
  const cols = b.t(EINSUM, 'xw,byxc->bywc', [mx, b.input(dy)]);
  return b.out(EINSUM, ['yh,bywc->bhwc', [my, cols]], 'float32');
}

function nearest(b: TorchBackend, images: TensorInfo, size: number[], attrs: Record<string, unknown>): TensorInfo {
  const [, oldH, oldW] = images.shape;
  const [iy, ix] = indices(b, oldH, oldW, size[0], size[1], attrs);
  return b.out(INDEX_SELECT, [b.t(INDEX_SELECT, b.input(images), 1, iy), 2, ix], images.dtype);
}

function nearestGrad(b: TorchBackend, images: TensorInfo, dy: TensorInfo, attrs: Record<string, unknown>): TensorInfo {
  const [batch, oldH, oldW, c] = images.shape;
  const [, newH] = dy.shape;
  const [iy, ix] = indices(b, oldH, oldW, newH, dy.shape[2], attrs);
  const zerosW = b.t(aten('zeros'), [batch, newH, oldW, c], 'float32', null, b.device);
  const cols = b.t(aten('index_add'), zerosW, 2, ix, b.input(dy));
  const zerosH = b.t(aten('zeros'), [batch, oldH, oldW, c], 'float32', null, b.device);
  return b.out(aten('index_add'), [zerosH, 1, iy, cols], 'float32');
}

export const RESIZE_KERNELS: KernelConfig[] = [
  kernel('ResizeBilinear', (b, { images }, attrs) => bilinear(b, images, attrs.size as number[], attrs as Record<string, unknown>)),
  kernel('ResizeBilinearGrad', (b, { images, dy }, attrs) => bilinearGrad(b, images, dy, attrs as Record<string, unknown>)),
  kernel('ResizeNearestNeighbor', (b, { images }, attrs) => nearest(b, images, attrs.size as number[], attrs as Record<string, unknown>)),
  kernel('ResizeNearestNeighborGrad', (b, { images, dy }, attrs) => nearestGrad(b, images, dy, attrs as Record<string, unknown>)),
];
