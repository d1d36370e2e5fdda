import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { TorchBackend } from './backend';
import { TORCH_KERNELS } from './kernels/index';
import { torchAvailability, type TorchInfo } from './native';

export interface TorchBackendOptions {
  /** `cpu`, `cuda`, `cuda:N` or `auto` (default: `VQCT_TORCH_DEVICE`, else cuda when libtorch sees a GPU, else cpu). */
  device?: string;
  /** libtorch intra-op threads (default: `VQCT_TORCH_THREADS`, else one per available core). */
  threads?: number | 'auto';
}

/** What `registerTorchBackend` set up. */
export interface TorchBackendReport {
  device: string;
  threads: number;
  info: TorchInfo;
  /** libtorch's BLAS and CPU capability, from its build config. */
  blas: string;
}

/** The tfjs backend name. */
export const TORCH_BACKEND_NAME = 'torch';

let registered: TorchBackendReport | null = null;

function resolveThreads(value: number | 'auto' | string | undefined): number {
  if (value == null || value === '' || value === 'auto') return availableParallelism();
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new Error(`torch threads must be a positive integer or "auto", got "${value}"`);
  return n;
}

function resolveDevice(value: string | undefined, info: TorchInfo): string {
  const device = value == null || value === '' || value === 'auto' ? (info.cuda ? 'cuda' : 'cpu') : value;
  if (!/^(cpu|cuda(:\d+)?)$/.test(device)) throw new Error(`torch device must be cpu, cuda, cuda:N or auto, got "${device}"`);
  if (device.startsWith('cuda') && !info.cuda) throw new Error(`torch device ${device} was asked for, but this libtorch sees no CUDA device (${info.cudaDevices} GPUs; a CPU-only build?)`);
  return device;
}

/** The BLAS/oneDNN/CPU lines of libtorch's build config. */
function blasOf(config: string): string {
  const pick = (re: RegExp) => re.exec(config)?.[1]?.trim();
  const parts = [pick(/BLAS_INFO=([^,\n]+)/), pick(/CPU capability usage:\s*([^\n]+)/), pick(/(Intel\(R\) MKL-DNN[^\n]*|oneDNN[^\n]*)/)];
  return parts.filter((p) => p != null).join(', ') || 'unknown';
}

/**
 * Registers the `torch` backend and its kernels with tfjs (once per process;
 * later calls return the first report). Throws, with the reason, where the
 * native addon is unavailable.
 *
 * @example
 * const report = registerTorchBackend({ threads: 2 });
 * await tf.setBackend('torch');
 */
export function registerTorchBackend(options: TorchBackendOptions = {}): TorchBackendReport {
  if (registered != null) return registered;
  const found = torchAvailability();
  if (!found.available) throw new Error(`the torch backend is unavailable: ${found.reason}`);
  const { native } = found;
  const base = native.info();
  const device = resolveDevice(options.device ?? process.env.VQCT_TORCH_DEVICE, base);
  const threads = native.setThreads(resolveThreads(options.threads ?? process.env.VQCT_TORCH_THREADS));
  for (const config of TORCH_KERNELS) {
    if (tf.getKernel(config.kernelName, TORCH_BACKEND_NAME) == null) tf.registerKernel(config);
  }
  tf.registerBackend(TORCH_BACKEND_NAME, () => new TorchBackend(native, device), 2);
  const info = native.info();
  registered = { device, threads, info, blas: blasOf(info.config) };
  return registered;
}
