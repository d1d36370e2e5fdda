import type { KernelBackend, KernelConfig, KernelFunc, ResizeNearestNeighborGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { ResizeNearestNeighborGrad } from '@tensorflow/tfjs-core';
import { BackendError } from '@vqct/core';
import { outputFrom, readValues } from './backend-access';

/**
 * The source index the forward resizeNearestNeighbor reads for output index
 * `o` (same rounding rules as tfjs's forward kernels).
 */
export function nearestSource(o: number, inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const scale = alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  const frac = halfPixelCenters ? (o + 0.5) * scale : o * scale;
  const src = alignCorners ? Math.round(frac) : Math.floor(frac);
  return Math.max(0, Math.min(inSize - 1, src));
}

/**
 * The gradient of resizeNearestNeighbor: each dy pixel is added to the input
 * pixel the forward pass copied it from. Replaces the cpu backend's kernel,
 * which searches a window and gets batch > 1 wrong.
 *
 * @param inputs images [b, h, w, c] (only its shape is used), dy [b, outH, outW, c]
 * @returns dx [b, h, w, c] float32
 */
export function resizeNearestNeighborGrad(args: { inputs: { images: TensorInfo; dy: TensorInfo }; backend: KernelBackend; attrs: ResizeNearestNeighborGradAttrs }): TensorInfo {
  const { inputs: { images, dy }, backend, attrs } = args;
  const { alignCorners, halfPixelCenters } = attrs;
  if (images.shape.length !== 4 || dy.shape.length !== 4) {
    throw new BackendError(`ResizeNearestNeighborGrad expects rank-4 images and dy, got [${images.shape}] and [${dy.shape}]`);
  }
  const [batch, inH, inW, depth] = images.shape;
  const [, outH, outW] = dy.shape;
  const rows = Int32Array.from({ length: outH }, (_, y) => nearestSource(y, inH, outH, alignCorners, halfPixelCenters));
  const cols = Int32Array.from({ length: outW }, (_, x) => nearestSource(x, inW, outW, alignCorners, halfPixelCenters));
  const dyV = readValues(backend, dy);
  const dx = new Float32Array(batch * inH * inW * depth);
  let src = 0;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < outH; y++) {
      const rowBase = (b * inH + rows[y]) * inW;
      for (let x = 0; x < outW; x++) {
        const dst = (rowBase + cols[x]) * depth;
        for (let c = 0; c < depth; c++) dx[dst + c] += dyV[src++];
      }
    }
  }
  return outputFrom(backend, images.shape, 'float32', dx);
}

/** Registered for cpu, whose own kernel is wrong for batch > 1 (and ignores halfPixelCenters). */
export const resizeNearestNeighborGradCpuConfig: KernelConfig = {
  kernelName: ResizeNearestNeighborGrad,
  backendName: 'cpu',
  kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc,
};

/** Registered for wasm, whose own kernel ignores halfPixelCenters. */
export const resizeNearestNeighborGradWasmConfig: KernelConfig = { ...resizeNearestNeighborGradCpuConfig, backendName: 'wasm' };
