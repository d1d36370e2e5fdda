export { useNodeBackend, NODE_BACKENDS } from './use-node-backend';
export type { UseNodeBackendOptions, BackendReport, NodeBackendName } from './use-node-backend';
