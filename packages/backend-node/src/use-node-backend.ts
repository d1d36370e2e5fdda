import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@vqct/core';
import './register-gradients';
import { registerCpuKernelFixes, registerWasmTrainingKernels } from './kernels/register-training-kernels';
import { defaultWasmThreads, wasmThreadsUnavailable, withNodeWasmThreads } from './wasm-threads';
import type { TorchBackendReport } from '@vqct/backend-torch';

/** The backends this adapter knows, best first. */
export const NODE_BACKENDS = ['tensorflow-gpu', 'torch-cuda', 'tensorflow', 'torch', 'wasm', 'cpu'] as const;
export type NodeBackendName = (typeof NODE_BACKENDS)[number];

export interface UseNodeBackendOptions {
  /** Force one backend; default: `VQCT_BACKEND` or the best available. */
  backend?: NodeBackendName | 'auto';
  /**
   * Threads for the wasm backend (XNNPACK's pool): a number from 1 to 8, or `'auto'`
   * (default: `VQCT_WASM_THREADS`, else one per available core). tfjs turns wasm threads
   * off in Node; this adapter turns them on (see `wasm-threads.ts`). The wasm module is
   * started once per process: later calls report the count it started with.
   */
  threads?: number | 'auto';
  /**
   * Where the torch backend puts tensors: `cpu`, `cuda`, `cuda:N` or `auto` (default:
   * `VQCT_TORCH_DEVICE`, else cuda when libtorch sees a GPU). `torch-cuda` is always cuda.
   */
  device?: string;
}

export interface BackendReport {
  /** Which of NODE_BACKENDS was chosen. */
  name: NodeBackendName;
  /** tfjs's name for it (`tf.getBackend()`). */
  tfBackend: string;
  /** Threads the backend computes with (wasm: XNNPACK's pool; torch: libtorch's intra-op threads; others: 1 as far as vqct knows). */
  threads: number;
  /** torch only: the device tensors live on, libtorch's version and BLAS. */
  torch?: { device: string; version: string; blas: string };
  simd: boolean;
  /** Why wasm runs with fewer threads than asked for, if it does. */
  threadsNote?: string;
  /** The better backends that were not used, and why. */
  skipped: Array<{ name: NodeBackendName; reason: string }>;
  /** One line for a CLI: `backend wasm (SIMD, 1 thread); skipped tensorflow-gpu: ...`. */
  line: string;
}

interface Candidate {
  name: NodeBackendName;
  /** The npm package that provides it. */
  specifier: string;
  /** Loads and registers the backend; returns the tfjs backend name. */
  load(options: UseNodeBackendOptions): Promise<string>;
}

function parseThreads(value: number | 'auto' | string | undefined): number {
  if (value == null || value === '' || value === 'auto') return defaultWasmThreads();
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8) {
    throw new BackendError(`wasm threads must be an integer from 1 to 8 or "auto", got "${value}"`);
  }
  return n;
}

/**
 * XNNPACK's pool threads run for the life of the process, and Emscripten `ref()`s the
 * worker of each running pthread, so a script that is done would never exit. They hold
 * no state worth keeping at exit: let them go.
 */
function unrefPoolThreads(): void {
  const backend = tf.findBackend('wasm') as { wasm?: { PThread?: { runningWorkers?: Array<{ unref?: () => void }> } } } | null;
  for (const worker of backend?.wasm?.PThread?.runningWorkers ?? []) worker.unref?.();
}

interface WasmStart { threads: number; note?: string }

/**
 * Starts the wasm backend with `wanted` threads, or with one thread (and a note saying
 * why) where the threaded build cannot be used. Already started: reports what it has.
 */
async function startWasm(wanted: number): Promise<WasmStart> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const current = () => {
    try { return wasm.getThreadsCount(); } catch { return -1; }
  };
  const activate = async (): Promise<void> => {
    if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed to initialize");
  };
  const already = current();
  if (already > 0) {
    await activate();
    return { threads: already, note: already < wanted ? `the wasm backend was already started with ${already} thread${already === 1 ? '' : 's'}` : undefined };
  }
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const unavailable = wanted <= 1 ? null : !simd ? 'the threaded build needs SIMD' : wasmThreadsUnavailable(wasm.version_wasm);
  if (wanted > 1 && unavailable == null) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(wanted);
    let failure: unknown;
    try {
      const ok = await withNodeWasmThreads(wanted, () => tf.setBackend('wasm'));
      if (ok) {
        unrefPoolThreads();
        return { threads: current() };
      }
      failure = new Error("tf.setBackend('wasm') failed with threads");
    } catch (e) {
      failure = e;
    }
    // Fall back to the single-threaded SIMD build.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
    await activate();
    return { threads: current(), note: `threads failed to start (${reasonOf(failure)}); using 1` };
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await activate();
  return { threads: current(), note: unavailable ?? undefined };
}

async function importOptional(specifier: string): Promise<void> {
  // A variable specifier keeps bundlers from resolving optional peers.
  await import(/* @vite-ignore */ specifier);
}

let torchReport: TorchBackendReport | null = null;

/** Registers @vqct/backend-torch (libtorch) for `device`; one device per process. */
async function loadTorch(options: UseNodeBackendOptions): Promise<string> {
  const torch = await import('@vqct/backend-torch');
  const found = torch.torchAvailability();
  if (!found.available) throw new Error(`unavailable: ${found.reason}`);
  if (options.device?.startsWith('cuda') && !found.native.info().cuda) throw new Error('libtorch sees no CUDA device');
  // registerTorchBackend falls back to VQCT_TORCH_DEVICE / VQCT_TORCH_THREADS itself.
  const report = torch.registerTorchBackend({ device: options.device, threads: options.threads });
  if (options.device != null && options.device !== 'auto' && report.device !== options.device) {
    throw new Error(`the torch backend already runs on ${report.device} in this process`);
  }
  torchReport = report;
  return torch.TORCH_BACKEND_NAME;
}

const CANDIDATES: Candidate[] = [
  {
    name: 'tensorflow-gpu',
    specifier: '@tensorflow/tfjs-node-gpu',
    async load() {
      await importOptional(this.specifier);
      return 'tensorflow';
    },
  },
  {
    name: 'torch-cuda',
    specifier: '@vqct/backend-torch',
    async load(options) {
      return loadTorch({ ...options, device: 'cuda' });
    },
  },
  {
    name: 'tensorflow',
    specifier: '@tensorflow/tfjs-node',
    async load() {
      await importOptional(this.specifier);
      return 'tensorflow';
    },
  },
  {
    name: 'torch',
    specifier: '@vqct/backend-torch',
    async load(options) {
      return loadTorch(options);
    },
  },
  {
    name: 'wasm',
    specifier: '@tensorflow/tfjs-backend-wasm',
    async load() {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmTrainingKernels();
      return 'wasm';
    },
  },
  {
    name: 'cpu',
    specifier: '@tensorflow/tfjs-backend-cpu',
    async load() {
      await import('@tensorflow/tfjs-backend-cpu');
      registerCpuKernelFixes();
      return 'cpu';
    },
  },
];

function reasonOf(e: unknown, specifier?: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  // Only the package itself missing means "not installed"; a missing native
  // binding inside an installed tfjs-node is a different story worth showing.
  const missing = /Cannot find (module|package)|Could not resolve|ERR_MODULE_NOT_FOUND/.test(msg);
  if (missing && specifier != null && (msg.includes(`'${specifier}'`) || msg.includes(`"${specifier}"`))) {
    return 'not installed';
  }
  return msg.split('\n')[0];
}

function describe(report: Omit<BackendReport, 'line'>): string {
  const plural = report.threads === 1 ? '' : 's';
  const feats = report.name === 'wasm'
    ? ` (${report.simd ? 'SIMD' : 'no SIMD'}, ${report.threads} thread${plural}${report.threadsNote ? `: ${report.threadsNote}` : ''})`
    : report.torch != null ? ` (libtorch ${report.torch.version}, ${report.torch.device}, ${report.threads} thread${plural})` : '';
  const skipped = report.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  return `backend ${report.name}${feats}${skipped ? `; skipped ${skipped}` : ''}`;
}

/**
 * Chooses, loads and activates the best TensorFlow.js backend in Node:
 * tfjs-node-gpu (CUDA), torch on CUDA (libtorch, @vqct/backend-torch), tfjs-node,
 * torch on the CPU, wasm, cpu — or the one forced by
 * `options.backend` or `VQCT_BACKEND`. Registers tfjs-core's gradients.
 *
 * @example
 * const report = await useNodeBackend();
 * console.log(report.line); // "backend wasm (SIMD, 1 thread); skipped tensorflow-gpu: not installed; ..."
 */
export async function useNodeBackend(options: UseNodeBackendOptions = {}): Promise<BackendReport> {
  const forced = options.backend ?? (process.env.VQCT_BACKEND as NodeBackendName | 'auto' | undefined) ?? 'auto';
  if (forced !== 'auto' && !NODE_BACKENDS.includes(forced)) {
    throw new BackendError(`unknown backend "${forced}"; expected one of ${NODE_BACKENDS.join(', ')} or auto`);
  }
  const wantedThreads = parseThreads(options.threads ?? process.env.VQCT_WASM_THREADS);
  const skipped: BackendReport['skipped'] = [];
  for (const candidate of CANDIDATES) {
    if (forced !== 'auto' && candidate.name !== forced) continue;
    try {
      const tfName = await candidate.load(options);
      let started: WasmStart = { threads: torchReport != null && tfName === 'torch' ? torchReport.threads : 1 };
      if (tfName === 'wasm') {
        started = await startWasm(wantedThreads);
      } else {
        const ok = await tf.setBackend(tfName);
        if (!ok) throw new Error(`tf.setBackend('${tfName}') failed to initialize`);
      }
      await tf.ready();
      const simd = tfName === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : false;
      const partial: Omit<BackendReport, 'line'> = { name: candidate.name, tfBackend: tfName, threads: started.threads, simd, skipped };
      if (started.note != null) partial.threadsNote = started.note;
      if (tfName === 'torch' && torchReport != null) partial.torch = { device: torchReport.device, version: torchReport.info.version, blas: torchReport.blas };
      return { ...partial, line: describe(partial) };
    } catch (e) {
      if (forced !== 'auto') {
        throw new BackendError(`backend "${forced}" was requested but cannot be used: ${reasonOf(e, candidate.specifier)}`, { cause: e });
      }
      skipped.push({ name: candidate.name, reason: reasonOf(e, candidate.specifier) });
    }
  }
  throw new BackendError(`no TensorFlow.js backend could be loaded: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
