// The browser half of the parity suite: runs the shared spec on the backend the
// Node test asks for and hands back plain arrays (see ../browser-parity.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import { MODEL_PARITY_CASES } from '../../../backend-node/test/parity/model-spec';
import type { ParityCase } from '../../../backend-node/test/parity/spec';
import { PARITY_CASES, runCase } from '../../../backend-node/test/parity/spec';

/** Every case: kernels, transfer net, VqModel encode/decode and a training step. */
export function browserCases(_backend: string): ParityCase[] {
  return [...PARITY_CASES, ...MODEL_PARITY_CASES];
}
import type { WebBackendName } from '../../src/index';
import { useWebBackend } from '../../src/index';

export interface PageResult {
  line: string;
  name: string;
  threads: number;
  crossOriginIsolated: boolean;
  cores: number;
  threadsSupported: boolean;
  results: Array<number[][] | null>;
  errors: string[];
  leaked: number;
  ms: number;
}

async function runParity(backend: WebBackendName, wasmPaths: string): Promise<PageResult> {
  const report = await useWebBackend({ backend, wasmPaths });
  const before = tf.memory().numTensors;
  const start = performance.now();
  const results: PageResult['results'] = [];
  const errors: string[] = [];
  for (const c of browserCases(backend)) {
    try {
      results.push(await runCase(c));
    } catch (e) {
      results.push(null);
      errors.push(`${c.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { line: report.line, name: report.name, threads: report.threads, crossOriginIsolated, cores: navigator.hardwareConcurrency, threadsSupported: backend === 'wasm' && Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')), results, errors, leaked: tf.memory().numTensors - before, ms: performance.now() - start };
}

async function auto(): Promise<{ name: string; line: string }> {
  const r = await useWebBackend();
  return { name: r.name, line: r.line };
}

async function force(backend: string): Promise<string> {
  try {
    await useWebBackend({ backend: backend as WebBackendName });
    return 'no error';
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

Object.assign(globalThis, { vqctParity: runParity, vqctAuto: auto, vqctForce: force });
document.getElementById('status')!.textContent = 'ready';
