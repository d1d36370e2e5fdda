import type * as tf from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { DistributedError } from './errors';
import type { LaunchEnv } from './launch-env';
import { activeTorchBackend, nativeIds, wrapNative } from './native-tensors';

/** Options of `initProcessGroup`: where rank 0 listens, and how long to wait. */
export interface ProcessGroupOptions extends Omit<LaunchEnv, 'localRank'> {
  localRank?: number;
  /** Every wait (rendezvous, each collective) gives up after this long (default: `VQCT_DIST_TIMEOUT` seconds, else 600 s). */
  timeoutMs?: number;
  /** `gloo` (CPU), `nccl` (CUDA libtorch built with NCCL), or `auto` (default: nccl on a cuda device where available, else gloo). */
  backend?: 'gloo' | 'nccl' | 'auto';
  /** Bytes per flat all-reduce bucket (default 25 MiB, like PyTorch DDP). */
  bucketBytes?: number;
}

const DEFAULT_BUCKET = 25 * 1024 * 1024;

function defaultTimeoutMs(): number {
  const raw = process.env.VQCT_DIST_TIMEOUT;
  if (raw == null || raw === '') return 600_000;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new DistributedError(`VQCT_DIST_TIMEOUT must be a positive number of seconds, got "${raw}"`);
  return Math.round(s * 1000);
}

/**
 * One process's membership in a data-parallel job over libtorch's c10d.
 * Collectives are synchronous and take tfjs tensors of the torch backend; they
 * return new tensors (the caller disposes them) and leave the inputs alone.
 * Any failure (a peer that died, a timeout) throws DistributedError naming
 * this rank and the operation; the group is unusable afterwards.
 */
export class ProcessGroup {
  private destroyed = false;

  constructor(
    private readonly torch: TorchBackend,
    readonly rank: number,
    readonly worldSize: number,
    readonly backend: 'gloo' | 'nccl',
    readonly timeoutMs: number,
    private readonly bucketBytes: number,
  ) {}

  /** The element-wise mean over ranks (sum, then divide by worldSize), in flat buckets. */
  allReduceMean(tensors: readonly tf.Tensor[]): tf.Tensor[] {
    return this.collective('all-reduce', tensors, (ids) => this.torch.native.distAllReduce(ids, 'mean', this.bucketBytes));
  }

  /** The element-wise sum over ranks. */
  allReduceSum(tensors: readonly tf.Tensor[]): tf.Tensor[] {
    return this.collective('all-reduce', tensors, (ids) => this.torch.native.distAllReduce(ids, 'sum', this.bucketBytes));
  }

  /** The element-wise maximum over ranks. */
  allReduceMax(tensors: readonly tf.Tensor[]): tf.Tensor[] {
    return this.collective('all-reduce', tensors, (ids) => this.torch.native.distAllReduce(ids, 'max', this.bucketBytes));
  }

  /** Rank `root`'s values, on every rank. */
  broadcast(tensors: readonly tf.Tensor[], root = 0): tf.Tensor[] {
    if (!Number.isInteger(root) || root < 0 || root >= this.worldSize) throw new DistributedError(`broadcast root ${root} is not a rank of this group (0-${this.worldSize - 1})`);
    return this.collective('broadcast', tensors, (ids) => this.torch.native.distBroadcast(ids, root, this.bucketBytes));
  }

  /** Waits until every rank got here. */
  barrier(): void {
    this.live('barrier');
    this.native(() => this.torch.native.distBarrier());
  }

  /** Leaves the group (idempotent); later collectives throw. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.torch.native.distDestroy();
  }

  private live(what: string): void {
    if (this.destroyed) throw new DistributedError(`${what}: the process group was destroyed`);
  }

  private native<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw new DistributedError((e as Error).message, { cause: e });
    }
  }

  private collective(what: string, tensors: readonly tf.Tensor[], run: (ids: number[]) => number[]): tf.Tensor[] {
    this.live(what);
    if (tensors.length === 0) return [];
    const ids = nativeIds(this.torch, tensors);
    return wrapNative(this.torch, this.native(() => run(ids)), tensors);
  }
}

let current: ProcessGroup | null = null;

/**
 * Joins a job: rank 0 hosts a c10d TCPStore at masterAddr:masterPort (under torchrun,
 * `storePrefix`: its agent hosts it), every rank
 * meets there, then a Gloo (CPU) or NCCL (CUDA) process group connects them.
 * Blocks until all `worldSize` ranks arrived or `timeoutMs` passed. Needs the
 * torch backend to be active (`registerTorchBackend()`, `tf.setBackend('torch')`).
 * One group per process.
 *
 * @example
 * const job = launchEnv(); // torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
 * const pg = initProcessGroup({ ...job!, timeoutMs: 60_000 });
 * const [g] = pg.allReduceMean([grad]); // the same on every rank
 * pg.destroy();
 */
export function initProcessGroup(options: ProcessGroupOptions): ProcessGroup {
  const torch = activeTorchBackend('initProcessGroup');
  if (current != null) throw new DistributedError('a process group already exists in this process (destroy() it first)');
  const { rank, worldSize, masterAddr, masterPort, storePrefix } = options;
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new DistributedError(`worldSize must be a positive integer, got ${worldSize}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new DistributedError(`rank must be an integer in 0-${worldSize - 1}, got ${rank}`);
  const info = torch.native.distInfo();
  const wanted = options.backend ?? 'auto';
  const backend = wanted === 'auto' ? (torch.device.startsWith('cuda') && info.nccl ? 'nccl' : 'gloo') : wanted;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs();
  try {
    torch.native.distInit({ rank, worldSize, masterAddr, masterPort, timeoutMs, backend, ...(storePrefix != null ? { storePrefix } : {}) });
  } catch (e) {
    throw new DistributedError((e as Error).message, { cause: e });
  }
  const pg = new ProcessGroup(torch, rank, worldSize, backend, timeoutMs, options.bucketBytes ?? DEFAULT_BUCKET);
  const destroy = pg.destroy.bind(pg);
  pg.destroy = () => {
    destroy();
    if (current === pg) current = null;
  };
  current = pg;
  return pg;
}
