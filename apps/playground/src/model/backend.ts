/**
 * Starts the best tfjs backend through @vqct/backend-web (WebGPU, else WebGL, else
 * wasm, else cpu) and reports it in the shape the page shows.
 */
import type { WebBackendName } from '@vqct/backend-web';
import { useWebBackend } from '@vqct/backend-web';
// The bundler copies tfjs's wasm binaries into the site; tfjs is told where they are.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendReport } from '../ui/messages';

/** Forces one backend with `prefer` (e.g. `?backend=webgl`), else picks the best. */
export async function startWebBackend(prefer?: string): Promise<BackendReport> {
  const picked = await useWebBackend({
    backend: (prefer ?? 'auto') as WebBackendName | 'auto',
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    },
  });
  return { name: picked.name, skipped: picked.skipped, line: picked.line };
}
