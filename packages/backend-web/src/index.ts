export { useWebBackend, WEB_BACKENDS } from './use-web-backend';
export type { UseWebBackendOptions, WebBackendReport, WebBackendName } from './use-web-backend';
export { patchWebGpuKernels } from './kernels/webgpu-patches';
