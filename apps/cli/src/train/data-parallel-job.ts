import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@vqct/core';
import type { LaunchEnv } from '@vqct/backend-torch';
import type { DataParallel } from '@vqct/vq';

/** This worker's place in a data-parallel `vqct train` job, and its collectives. */
export interface DataParallelJob {
  readonly env: LaunchEnv;
  readonly dataParallel: DataParallel;
  /** Rank 0: the only worker that writes the run folder. */
  readonly primary: boolean;
  /** The stop reason every rank agrees on: the largest code any rank asked for (0 none). */
  agreeOnStop(code: number): number;
  barrier(): void;
  destroy(): void;
}

/** The torchrun environment of this process, or null when it is not a distributed worker. */
export async function launchEnvOfProcess(): Promise<LaunchEnv | null> {
  if (process.env.WORLD_SIZE == null || process.env.WORLD_SIZE === '') return null;
  const { launchEnv } = await import('@vqct/backend-torch');
  return launchEnv();
}

/** A list collective as one over named tensors (same names out as in; the order is the map's, alike on every rank). */
function named(op: (ts: tf.Tensor[]) => tf.Tensor[]): (m: tf.NamedTensorMap) => tf.NamedTensorMap {
  return (m) => {
    const keys = Object.keys(m);
    const got = op(keys.map((k) => m[k]));
    return Object.fromEntries(keys.map((k, i) => [k, got[i]]));
  };
}

/**
 * Joins the job of `env` over c10d (Gloo on the CPU): needs the torch backend,
 * which `backendName` must be. Blocks until every rank arrived.
 */
export async function joinDataParallelJob(env: LaunchEnv, backendName: string): Promise<DataParallelJob> {
  if (!backendName.startsWith('torch')) {
    throw new ConfigError(`distributed training (WORLD_SIZE=${env.worldSize}) runs on libtorch's c10d and needs the torch backend, but this worker runs on ${backendName}: pass --backend torch`);
  }
  const { initProcessGroup } = await import('@vqct/backend-torch');
  const pg = initProcessGroup(env);
  const dataParallel: DataParallel = {
    rank: pg.rank,
    worldSize: pg.worldSize,
    mean: named((ts) => pg.allReduceMean(ts)),
    sum: named((ts) => pg.allReduceSum(ts)),
    broadcast: named((ts) => pg.broadcast(ts, 0)),
  };
  return {
    env,
    dataParallel,
    primary: pg.rank === 0,
    agreeOnStop(code) {
      const [t] = tf.tidy(() => pg.allReduceMax([tf.scalar(code, 'float32')]));
      const v = t.dataSync()[0];
      t.dispose();
      return v;
    },
    barrier: () => pg.barrier(),
    destroy: () => pg.destroy(),
  };
}
