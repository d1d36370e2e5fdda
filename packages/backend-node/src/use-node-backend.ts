import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@vqct/core';
import './register-gradients';
import { registerCpuKernelFixes, registerWasmTrainingKernels } from './kernels/register-training-kernels';

/** The backends this adapter knows, best first. */
export const NODE_BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type NodeBackendName = (typeof NODE_BACKENDS)[number];

export interface UseNodeBackendOptions {
  /** Force one backend; default: `VQCT_BACKEND` or the best available. */
  backend?: NodeBackendName | 'auto';
}

export interface BackendReport {
  /** Which of NODE_BACKENDS was chosen. */
  name: NodeBackendName;
  /** tfjs's name for it (`tf.getBackend()`). */
  tfBackend: string;
  threads: number;
  simd: boolean;
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
  load(): Promise<string>;
}

async function importOptional(specifier: string): Promise<void> {
  // A variable specifier keeps bundlers from resolving optional peers.
  await import(/* @vite-ignore */ specifier);
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
    name: 'tensorflow',
    specifier: '@tensorflow/tfjs-node',
    async load() {
      await importOptional(this.specifier);
      return 'tensorflow';
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
  const feats = report.name === 'wasm'
    ? ` (${report.simd ? 'SIMD' : 'no SIMD'}, ${report.threads} thread${report.threads === 1 ? '' : 's'})`
    : '';
  const skipped = report.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  return `backend ${report.name}${feats}${skipped ? `; skipped ${skipped}` : ''}`;
}

/**
 * Chooses, loads and activates the best TensorFlow.js backend in Node:
 * tfjs-node-gpu (CUDA), tfjs-node, wasm, cpu — or the one forced by
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
  const skipped: BackendReport['skipped'] = [];
  for (const candidate of CANDIDATES) {
    if (forced !== 'auto' && candidate.name !== forced) continue;
    try {
      const tfName = await candidate.load();
      const ok = await tf.setBackend(tfName);
      if (!ok) throw new Error(`tf.setBackend('${tfName}') failed to initialize`);
      await tf.ready();
      const simd = tfName === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : false;
      const partial = { name: candidate.name, tfBackend: tfName, threads: 1, simd, skipped };
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
