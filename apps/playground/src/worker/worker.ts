/**
 * The model worker: starts the tfjs backend (WebGPU first), loads models and runs them,
 * so the page never freezes. Speaks protocol.ts through handler.ts.
 */
import { createHandler } from './handler';
import type { Progress, Request } from './protocol';
import { transferables } from './protocol';
import { decodeImageBlob } from '../image/decode';
import { startWebBackend } from '../model/backend';
import { loadVqctEngine } from '../model/vqct-engine';
import { loadShippedEngine } from '../model/shipped-engine';
import { loadTransformerGenerator } from '../model/transformer-generator';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = createHandler({
  startBackend: startWebBackend,
  loadEngine: loadVqctEngine,
  loadShipped: loadShippedEngine,
  loadGenerator: loadTransformerGenerator,
  decodeImage: decodeImageBlob,
  now: () => performance.now(),
});

scope.addEventListener('message', (event: MessageEvent<Request>) => {
  const onProgress = (p: Progress): void => scope.postMessage(p, transferables(p));
  void handle(event.data, onProgress).then((response) => scope.postMessage(response, transferables(response)));
});
