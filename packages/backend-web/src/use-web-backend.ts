import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@vqct/core';
import { registerCpuKernelFixes, registerWasmTrainingKernels } from '@vqct/backend-node/kernels';
import './register-gradients';
import { patchWebGpuKernels } from './kernels/webgpu-patches';

/** The backends this adapter knows, best first. */
export const WEB_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type WebBackendName = (typeof WEB_BACKENDS)[number];

export interface UseWebBackendOptions {
  /** Force one backend; default: the best available. */
  backend?: WebBackendName | 'auto';
  /**
   * Where tfjs-backend-wasm finds its `.wasm` files (a folder URL ending in `/`,
   * or tfjs's per-file map); needed when a bundler does not copy them next to
   * the script. Passed to `setWasmPaths`.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * wasm threads where the page is cross-origin isolated (1 to 8); default: every
   * logical core (`navigator.hardwareConcurrency`, at most 8). tfjs by itself gives
   * XNNPACK at most half the logical cores (it assumes hyper-threading), so a
   * 2-core machine got 1 thread; this adapter lifts that cap while the backend
   * starts. Applies when the wasm backend is first initialized.
   */
  threads?: number;
}

export interface WebBackendReport {
  /** Which of WEB_BACKENDS was chosen. */
  name: WebBackendName;
  /** tfjs's name for it (`tf.getBackend()`). */
  tfBackend: string;
  /** CPU threads doing the work (wasm: XNNPACK's pool; others 1). */
  threads: number;
  simd: boolean;
  /** The better backends that were not used, and why. */
  skipped: Array<{ name: WebBackendName; reason: string }>;
  /** One line for a UI: `backend wasm (SIMD, 4 threads); skipped webgpu: ...`. */
  line: string;
}

interface Loaded {
  tfName: string;
  /** Starts it (default: `tf.setBackend(tfName)`). */
  start?: () => Promise<boolean>;
  /** Runs after tf.setBackend succeeded. */
  describe(): Promise<{ threads: number; simd: boolean }>;
}

const single = async () => ({ threads: 1, simd: false });

/**
 * Runs `start` while `navigator.hardwareConcurrency` reads `cores`, then restores
 * it. The wasm module reads the core count once, at start-up, on this thread.
 */
async function withReportedCores(cores: number, start: () => Promise<boolean>): Promise<boolean> {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav == null) return start();
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { get: () => cores, configurable: true });
  } catch {
    return start();
  }
  try {
    return await start();
  } finally {
    if (own != null) Object.defineProperty(nav, 'hardwareConcurrency', own);
    else delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

async function load(name: WebBackendName, options: UseWebBackendOptions): Promise<Loaded> {
  switch (name) {
    case 'webgpu': {
      const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator;
      if (nav?.gpu == null) throw new Error('navigator.gpu is missing (no WebGPU in this browser)');
      if ((await nav.gpu.requestAdapter()) == null) throw new Error('no WebGPU adapter');
      await import('@tensorflow/tfjs-backend-webgpu');
      // Keeps vqct's ops off tfjs-webgpu's synchronous read-back (see the file).
      patchWebGpuKernels();
      return { tfName: 'webgpu', describe: single };
    }
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return { tfName: 'webgl', describe: single };
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (options.wasmPaths != null) wasm.setWasmPaths(options.wasmPaths as never);
      const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
      const threads = options.threads ?? Math.min(8, cores);
      if (!Number.isInteger(threads) || threads < 1 || threads > 8) throw new BackendError(`wasm threads must be an integer from 1 to 8, got ${threads}`);
      wasm.setThreadsCount(threads);
      registerWasmTrainingKernels();
      return {
        tfName: 'wasm',
        // tfjs caps the pool at hardwareConcurrency / 2 when the module starts.
        start: () => withReportedCores(2 * Math.max(threads, cores), () => tf.setBackend('wasm')),
        async describe() {
          return { threads: wasm.getThreadsCount(), simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) };
        },
      };
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      registerCpuKernelFixes();
      return { tfName: 'cpu', describe: single };
  }
}

function lineOf(r: Omit<WebBackendReport, 'line'>): string {
  const feats = r.name === 'wasm' ? ` (${r.simd ? 'SIMD' : 'no SIMD'}, ${r.threads} thread${r.threads === 1 ? '' : 's'})` : '';
  const skipped = r.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  return `backend ${r.name}${feats}${skipped ? `; skipped ${skipped}` : ''}`;
}

/**
 * Chooses, loads and activates the best TensorFlow.js backend in a browser:
 * WebGPU, else WebGL, else wasm (threads where the page is cross-origin
 * isolated), else cpu — or the one forced by `options.backend`. Registers
 * tfjs-core's gradients and vqct's wasm training kernels.
 *
 * @example
 * const report = await useWebBackend({ wasmPaths: '/tfjs-wasm/' });
 * status.textContent = report.line; // "backend webgpu; ..." or "backend wasm (SIMD, 4 threads); skipped webgpu: ..."
 */
export async function useWebBackend(options: UseWebBackendOptions = {}): Promise<WebBackendReport> {
  const forced = options.backend ?? 'auto';
  if (forced !== 'auto' && !WEB_BACKENDS.includes(forced)) {
    throw new BackendError(`unknown backend "${forced}"; expected one of ${WEB_BACKENDS.join(', ')} or auto`);
  }
  const skipped: WebBackendReport['skipped'] = [];
  for (const name of WEB_BACKENDS) {
    if (forced !== 'auto' && name !== forced) continue;
    try {
      const loaded = await load(name, options);
      if (!(await (loaded.start?.() ?? tf.setBackend(loaded.tfName)))) throw new Error(`tf.setBackend('${loaded.tfName}') failed to initialize`);
      await tf.ready();
      const partial = { name, tfBackend: loaded.tfName, ...(await loaded.describe()), skipped };
      return { ...partial, line: lineOf(partial) };
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      if (forced !== 'auto') throw new BackendError(`backend "${forced}" was requested but cannot be used: ${reason}`, { cause: e });
      skipped.push({ name, reason });
    }
  }
  throw new BackendError(`no TensorFlow.js backend could be loaded: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
