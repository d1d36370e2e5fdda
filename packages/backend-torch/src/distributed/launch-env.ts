import { DistributedError } from './errors';

/** Where this worker sits in a job: torchrun's environment contract. */
export interface LaunchEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  masterAddr: string;
  masterPort: number;
  /**
   * Set under torchrun (TORCHELASTIC_USE_AGENT_STORE=True): its agent already hosts the
   * TCPStore at MASTER_ADDR:MASTER_PORT, every rank joins as a client, under this key
   * prefix (`/worker/attempt_<TORCHELASTIC_RESTART_COUNT>`), as PyTorch's workers do.
   */
  storePrefix?: string;
}

function intVar(env: NodeJS.ProcessEnv, name: string, min: number, fallback?: number): number {
  const raw = env[name];
  if (raw == null || raw === '') {
    if (fallback != null) return fallback;
    throw new DistributedError(`${name} is not set (a distributed worker needs RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT, as torchrun sets them)`);
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new DistributedError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/**
 * The torchrun contract (`RANK`, `WORLD_SIZE`, `LOCAL_RANK`, `MASTER_ADDR`,
 * `MASTER_PORT`) read from the environment, or `null` when `WORLD_SIZE` is
 * unset (a single-process run). Bad values throw DistributedError naming the variable.
 *
 * @example
 * const job = launchEnv(); // RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29500
 * if (job != null) initProcessGroup(job);
 */
export function launchEnv(env: NodeJS.ProcessEnv = process.env): LaunchEnv | null {
  if (env.WORLD_SIZE == null || env.WORLD_SIZE === '') return null;
  const worldSize = intVar(env, 'WORLD_SIZE', 1);
  const rank = intVar(env, 'RANK', 0);
  if (rank >= worldSize) throw new DistributedError(`RANK ${rank} is not below WORLD_SIZE ${worldSize}`);
  const masterAddr = env.MASTER_ADDR ?? '';
  if (masterAddr === '') throw new DistributedError('MASTER_ADDR is not set (the host of rank 0, e.g. 127.0.0.1)');
  const masterPort = intVar(env, 'MASTER_PORT', 1);
  if (masterPort > 65535) throw new DistributedError(`MASTER_PORT must be a TCP port (1-65535), got ${masterPort}`);
  const job: LaunchEnv = { rank, worldSize, localRank: intVar(env, 'LOCAL_RANK', 0, rank), masterAddr, masterPort };
  if (env.TORCHELASTIC_USE_AGENT_STORE === 'True') job.storePrefix = `/worker/attempt_${intVar(env, 'TORCHELASTIC_RESTART_COUNT', 0, 0)}`;
  return job;
}
