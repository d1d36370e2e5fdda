export { useNodeBackend, NODE_BACKENDS } from './use-node-backend';
export type { UseNodeBackendOptions, BackendReport, NodeBackendName } from './use-node-backend';
export { registerWasmTrainingKernels, registerCpuKernelFixes, WASM_TRAINING_KERNELS, WASM_FIXED_KERNELS, WASM_WRAPPED_KERNELS, CPU_FIXED_KERNELS } from './kernels/index';
export { withNodeWasmThreads, wasmThreadsUnavailable, defaultWasmThreads, WASM_THREADS_TFJS_VERSION } from './wasm-threads';
