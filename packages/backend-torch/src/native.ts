import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What libtorch the addon runs on (`info()` of the native module). */
export interface TorchInfo {
  version: string;
  threads: number;
  /** OpenBLAS's own pool (set with the intra-op threads: its idle workers spin); null for another BLAS. */
  blasThreads: number | null;
  /** at::get_parallel_info(): thread pools, OpenMP/MKL versions. */
  parallel: string;
  /** at::show_config(): the build's BLAS, oneDNN, CPU capability, CUDA. */
  config: string;
  cuda: boolean;
  cudaDevices: number;
}

/**
 * The native module's contract (native/addon.cc). Tensor ids index the native
 * tensor table; `call` returns `[id, dtypeCode, rank, ...dims]` per output.
 */
export interface TorchNative {
  fromBuffer(values: ArrayBufferView, shape: number[], dtype: string, device: string): number;
  toBuffer(id: number): Float32Array | Int32Array | Uint8Array;
  dispose(id: number): void;
  op(name: string, overload: string): number;
  schema(handle: number): string;
  call(handle: number, args: unknown[], cast?: number): number[];
  /** One of native/fused.h's CPU float32 kernels, by name; outputs as `call` returns them. */
  fused(name: string, ids: number[], scalars: number[]): number[];
  memory(): { numTensors: number; numBytes: number };
  setThreads(n: number): number;
  info(): TorchInfo;
  synchronize(): void;
  /** c10d (native/distributed.cc; src/distributed/ wraps these). */
  distInit(options: { rank: number; worldSize: number; masterAddr: string; masterPort: number; timeoutMs: number; backend: string; storePrefix?: string }): void;
  distAllReduce(ids: number[], op: 'sum' | 'mean' | 'max', bucketBytes?: number): number[];
  distBroadcast(ids: number[], root: number, bucketBytes?: number): number[];
  distBarrier(): void;
  distDestroy(): void;
  distInfo(): { gloo: boolean; nccl: boolean; initialized: boolean; rank?: number; worldSize?: number; backend?: string };
}

export type TorchAvailability = { available: true; native: TorchNative; path: string } | { available: false; reason: string };

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
let cached: TorchAvailability | undefined;

function reasonFromBuild(): string {
  const file = join(packageRoot, 'build', 'unavailable.json');
  if (existsSync(file)) {
    try {
      return String(JSON.parse(readFileSync(file, 'utf8')).reason);
    } catch {
      return `unreadable ${file}`;
    }
  }
  return 'the native addon was never built (run `node scripts/build-native.mjs` in @vqct/backend-torch)';
}

/**
 * Loads the native addon once. Never throws: without libtorch (or without a
 * build), `{ available: false, reason }` says why, as the adapter reports it.
 */
export function torchAvailability(): TorchAvailability {
  if (cached != null) return cached;
  const path = process.env.VQCT_TORCH_ADDON ?? join(packageRoot, 'build', 'Release', 'vqct_torch.node');
  if (!existsSync(path)) return (cached = { available: false, reason: reasonFromBuild() });
  // libtorch's OpenMP threads busy-wait between ops by default; on a shared or loaded
  // machine that collapses throughput (bench-32 step: 15 s against 1 s measured at load
  // 27 on 2 cores). OpenMP reads this once, when the addon loads it. ACTIVE restores spinning.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    const native = createRequire(import.meta.url)(path) as TorchNative;
    return (cached = { available: true, native, path });
  } catch (e) {
    return (cached = { available: false, reason: `loading ${path} failed: ${(e as Error).message.split('\n')[0]}` });
  }
}
