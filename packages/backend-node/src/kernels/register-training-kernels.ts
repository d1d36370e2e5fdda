import type { KernelConfig } from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputAsConv, isConv2dBackpropInputAsConv } from './conv2d-backprop-input';
import { depthwiseConv2dBackpropInputWasmConfig } from './depthwise-conv2d-backprop-input';
import { isPretransposed, pretransposedMatMul } from './pretransposed-mat-mul';
import { resizeNearestNeighborGradCpuConfig, resizeNearestNeighborGradWasmConfig } from './resize-nearest-neighbor-grad';
import { isTileByRows, tileByRows } from './tile';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum';

/** The kernels vqct adds to tfjs-backend-wasm so that training runs there. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [conv2dBackpropFilterWasmConfig, unsortedSegmentSumWasmConfig, depthwiseConv2dBackpropInputWasmConfig];

/** wasm kernels replaced because tfjs's is wrong (ResizeNearestNeighborGrad ignores halfPixelCenters). */
export const WASM_FIXED_KERNELS: readonly KernelConfig[] = [resizeNearestNeighborGradWasmConfig];

/** wasm kernels that are wrapped to avoid a slow path. */
export const WASM_WRAPPED_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropInput', 'Tile'] as const;

/** Kernels of the cpu backend replaced because tfjs's is wrong. */
export const CPU_FIXED_KERNELS: readonly KernelConfig[] = [resizeNearestNeighborGradCpuConfig];

function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName) === config) return;
  if (getKernel(config.kernelName, config.backendName) != null) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/**
 * Registers vqct's wasm training kernels and wraps wasm's matMuls so that
 * transposed operands take the fast path. Idempotent. Call after importing
 * `@tensorflow/tfjs-backend-wasm` (its kernels must be registered to be wrapped).
 *
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    // Never shadow a real implementation a later tfjs release may ship.
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing == null || existing.kernelFunc === config.kernelFunc) replace(config);
  }
  for (const config of WASM_FIXED_KERNELS) replace(config);
  for (const name of ['BatchMatMul', '_FusedMatMul'] as const) {
    const original = getKernel(name, 'wasm');
    if (original == null || isPretransposed(original)) continue;
    unregisterKernel(name, 'wasm');
    registerKernel({ ...original, kernelFunc: pretransposedMatMul(original.kernelFunc) });
  }
  // dx of a conv as a forward XNNPACK conv of the dilated, padded dy (10x faster).
  const backpropInput = getKernel('Conv2DBackpropInput', 'wasm');
  if (backpropInput != null && !isConv2dBackpropInputAsConv(backpropInput)) {
    unregisterKernel('Conv2DBackpropInput', 'wasm');
    registerKernel({ ...backpropInput, kernelFunc: conv2dBackpropInputAsConv(backpropInput.kernelFunc) });
  }
  // Tile by rows in JS: wasm's indexes every element (nearest upsampling's broadcastTo).
  const tile = getKernel('Tile', 'wasm');
  if (tile != null && !isTileByRows(tile)) {
    unregisterKernel('Tile', 'wasm');
    registerKernel({ ...tile, kernelFunc: tileByRows(tile.kernelFunc) });
  }
}

/**
 * Replaces cpu kernels that tfjs 4.22 gets wrong (ResizeNearestNeighborGrad
 * for batch > 1). Idempotent; call after importing `@tensorflow/tfjs-backend-cpu`.
 */
export function registerCpuKernelFixes(): void {
  for (const config of CPU_FIXED_KERNELS) replace(config);
}
