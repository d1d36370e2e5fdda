/**
 * The model worker: starts the tfjs backend (WebGPU first), loads models and runs them,
 * so the page never freezes. Speaks protocol.ts through handler.ts.
 */
import { createHandler } from './handler';
import type { Request } from './protocol';
import { transferables } from './protocol';
import { decodeImageBlob } from '../image/decode';
import { startWebBackend } from '../model/backend';
import { loadVqctEngine } from '../model/vqct-engine';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = createHandler({
  startBackend: startWebBackend,
  loadEngine: loadVqctEngine,
  decodeImage: decodeImageBlob,
  now: () => performance.now(),
});

scope.addEventListener('message', (event: MessageEvent<Request>) => {
  void handle(event.data).then((response) => scope.postMessage(response, transferables(response)));
});
