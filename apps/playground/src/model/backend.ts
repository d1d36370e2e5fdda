/**
 * Starts the best tfjs backend through @vqct/backend-web (WebGPU, else WebGL, else
 * wasm, else cpu) and reports it in the shape the page shows.
 */
import { useWebBackend } from '@vqct/backend-web';
import type { BackendReport } from '../ui/messages';

export async function startWebBackend(prefer?: string): Promise<BackendReport> {
  const picked = await useWebBackend(prefer != null ? ({ prefer } as never) : undefined);
  const skipped = (picked.skipped ?? []) as unknown as BackendReport['skipped'];
  return { name: picked.name, skipped: Array.isArray(skipped) ? skipped : [], line: picked.line };
}
