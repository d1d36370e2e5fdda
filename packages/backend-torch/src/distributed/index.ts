export { initProcessGroup, ProcessGroup } from './process-group';
export type { ProcessGroupOptions } from './process-group';
export { launchEnv } from './launch-env';
export type { LaunchEnv } from './launch-env';
export { DistributedError } from './errors';
