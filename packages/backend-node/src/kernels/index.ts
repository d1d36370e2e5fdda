export { registerWasmTrainingKernels, registerCpuKernelFixes, WASM_TRAINING_KERNELS, WASM_FIXED_KERNELS, WASM_WRAPPED_KERNELS, CPU_FIXED_KERNELS } from './register-training-kernels';
export { conv2dBackpropFilterWasm, conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter';
export { unsortedSegmentSum, unsortedSegmentSumWasmConfig } from './unsorted-segment-sum';
export { resizeNearestNeighborGrad, resizeNearestNeighborGradCpuConfig, resizeNearestNeighborGradWasmConfig, nearestSource } from './resize-nearest-neighbor-grad';
export { conv2dBackpropInputAsConv, isConv2dBackpropInputAsConv } from './conv2d-backprop-input';
export { tileByRows, isTileByRows } from './tile';
export { depthwiseConv2dBackpropInput, depthwiseConv2dBackpropInputWasmConfig } from './depthwise-conv2d-backprop-input';
export { pretransposedMatMul, isPretransposed } from './pretransposed-mat-mul';
export type { WasmBackendLike } from './backend-access';
