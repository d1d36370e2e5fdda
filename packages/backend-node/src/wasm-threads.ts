/**
 * Multithreaded tfjs-backend-wasm in Node.
 *
 * tfjs-backend-wasm ships a threaded SIMD build (XNNPACK over a pthread pool of Web
 * Workers) whose Emscripten glue supports Node's `worker_threads`, but tfjs 4.22 turns it
 * off in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is false there, tfjs issue #3830) because
 * three things go wrong:
 *
 * 1. the pthread worker script is handed to `new Worker()` as a `blob:` URL, which Node's
 *    `worker_threads` cannot load;
 * 2. the glue that each worker imports was written for the node bundle and refers to
 *    that bundle's `require$$N` aliases of `fs`, `path`, `perf_hooks` and `os`, which do
 *    not exist inside a worker;
 * 3. tfjs sizes the pool as `os.cpus().length / 2` (it assumes two hyper-threads per
 *    core), so a 2-core machine gets 1 thread.
 *
 * `withNodeWasmThreads` mends all three for the duration of the backend's start-up:
 * blobs made during it are written to a private temp folder as files (the worker's copy
 * gets a prelude that defines the aliases and resolves the glue's blob to its file), and
 * `os.cpus()` reports twice the real count so that tfjs honours the thread count asked
 * for. Everything is put back afterwards; the folder is removed when the process exits.
 * Workers are `unref`'d by Emscripten, so they never keep a process alive.
 *
 * This depends on tfjs-backend-wasm's internals and is checked against the exact version
 * this package pins; on any other version it refuses (the caller falls back to one
 * thread and says why).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

/** The tfjs-backend-wasm version whose internals this module was written against. */
export const WASM_THREADS_TFJS_VERSION = '4.22.0';

const MAIN_SCRIPT_PREFIX = 'var WasmBackendModuleThreadedSimd';
const WORKER_SCRIPT_MARK = 'ENVIRONMENT_IS_PTHREAD';

/** The `var require$$N = require('mod');` aliases of the node bundle, as a worker prelude. */
function aliasPrelude(bundlePath: string): string {
  const source = fs.readFileSync(bundlePath, 'utf8');
  const aliases = [...source.matchAll(/^var (require\$\$\d+) = require\('([\w:/-]+)'\);$/gm)];
  if (aliases.length === 0) throw new Error(`no require aliases found in ${bundlePath}`);
  // The bundle's rollup helper for the global object is referred to by the glue too.
  return `globalThis.commonjsGlobal = globalThis;${aliases.map(([, name, mod]) => `globalThis.${name} = require(${JSON.stringify(mod)});`).join('')}`;
}

/**
 * Why threads cannot be used here, or null when they can. Cheap; starts nothing.
 */
export function wasmThreadsUnavailable(wasmVersion: string): string | null {
  if (wasmVersion !== WASM_THREADS_TFJS_VERSION) {
    return `tfjs-backend-wasm ${wasmVersion} is not ${WASM_THREADS_TFJS_VERSION}, the version the Node thread support was written for`;
  }
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available';
  if (typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') return 'Blob/URL.createObjectURL are missing';
  return null;
}

/** The number of threads "auto" means: one per core the process may use. */
export function defaultWasmThreads(): number {
  // tfjs-backend-wasm pre-creates 8 pthread workers and caps its pool there.
  return Math.min(8, os.availableParallelism());
}

/**
 * Runs `start` (which must initialize the wasm backend: `tf.setBackend('wasm')`) with
 * tfjs-backend-wasm's threaded build enabled for `threads` threads. The caller sets
 * `setThreadsCount(threads)` and the `WASM_HAS_MULTITHREAD_SUPPORT` flag; this function
 * only provides the environment the threaded build needs in Node while it starts.
 */
export async function withNodeWasmThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const require = createRequire(import.meta.url);
  const bundlePath = require.resolve('@tensorflow/tfjs-backend-wasm');
  const prelude = aliasPrelude(bundlePath);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqct-wasm-threads-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const mainPath = path.join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const workerPath = path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');

  const texts = new WeakMap<Blob, string>();
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;
  // The CommonJS object tfjs's bundle holds (an ES namespace's members are read-only).
  const osModule = require('node:os') as typeof os;
  const originalCpus = osModule.cpus;

  class RecordingBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts?.every((p) => typeof p === 'string')) {
        const text = (parts as string[]).join('');
        texts.set(this, text);
        // The glue's source: the workers import it from a file instead of a blob.
        if (text.startsWith(MAIN_SCRIPT_PREFIX)) fs.writeFileSync(mainPath, text);
      }
    }
  }
  const createObjectURL = (blob: Blob): string => {
    const text = texts.get(blob);
    if (text == null || text.startsWith(MAIN_SCRIPT_PREFIX) || !text.includes(WORKER_SCRIPT_MARK)) return originalCreateObjectURL(blob);
    // Inside the worker, the "load" message carries the glue as a Blob; resolve it to
    // the file written above (importScripts reads files in Node). Every pool worker
    // asks for the same script: write it once.
    if (!fs.existsSync(workerPath)) fs.writeFileSync(workerPath, `${prelude}URL.createObjectURL = () => ${JSON.stringify(mainPath)};\n${text}`);
    return workerPath;
  };

  globalThis.Blob = RecordingBlob as typeof Blob;
  URL.createObjectURL = createObjectURL;
  // tfjs gives XNNPACK min(threads, cpus / 2) threads; report enough cpus for `threads`.
  osModule.cpus = () => {
    const real = originalCpus();
    const wanted = Math.max(real.length, threads) * 2;
    return Array.from({ length: wanted }, (_, i) => real[i % real.length]);
  };
  try {
    return await start();
  } finally {
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
    osModule.cpus = originalCpus;
  }
}
