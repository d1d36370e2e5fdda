/**
 * The worker's side of the protocol, independent of `self`: a function from a request
 * to a response, over an engine loader and a backend starter, so it is testable in Node.
 * Requests run one at a time, in arrival order (the model is not re-entrant).
 */
import type { Engine, EngineLoader } from '../model/engine';
import type { BackendReport } from '../ui/messages';
import { toWireError } from '../ui/messages';
import type { Rgba } from '../image/prepare';
import { prepareImage } from '../image/prepare';
import type { Api, Method, Request, Response } from './protocol';

export interface HandlerDeps {
  startBackend(prefer?: string): Promise<BackendReport>;
  loadEngine: EngineLoader;
  /** Decodes an image file to RGBA; throws (any error) when it cannot. */
  decodeImage(blob: Blob): Promise<Rgba>;
  /** Milliseconds, monotonic (performance.now). */
  now(): number;
}

export function createHandler(deps: HandlerDeps): (request: Request) => Promise<Response> {
  let engine: Engine | null = null;
  let backend: Promise<BackendReport> | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const needEngine = (): Engine => {
    if (engine == null) throw Object.assign(new Error('no model is loaded yet'), { code: 'E_CHECKPOINT' });
    return engine;
  };

  const methods: { [M in Method]: (payload: Api[M][0]) => Promise<Api[M][1]> } = {
    init: (payload) => {
      backend ??= deps.startBackend(payload.prefer);
      return backend;
    },
    load: async (files) => {
      if (backend == null) backend = deps.startBackend();
      await backend;
      const next = await deps.loadEngine(files);
      engine?.dispose();
      engine = next;
      return next.info;
    },
    run: async (source) => {
      const e = needEngine();
      let rgba: Rgba;
      if ('rgba' in source) rgba = source.rgba;
      else {
        try {
          rgba = await deps.decodeImage(source.blob);
        } catch (error) {
          throw Object.assign(new Error(`cannot decode the image (${source.blob.type || 'unknown type'}, ${source.blob.size} bytes): ${(error as Error).message ?? String(error)}`), { code: 'E_IMAGE' });
        }
      }
      const { height, width, channels } = e.info;
      const image = prepareImage(rgba, height, width, channels);
      const t0 = deps.now();
      const tokens = await e.encode(image);
      const t1 = deps.now();
      const reconstruction = await e.decode(tokens);
      const t2 = deps.now();
      return { input: image, tokens, reconstruction, encodeMs: t1 - t0, decodeMs: t2 - t1 };
    },
    decode: async ({ tokens }) => {
      const e = needEngine();
      const t0 = deps.now();
      const image = await e.decode(tokens);
      return { image, decodeMs: deps.now() - t0 };
    },
    nearest: ({ patch, count }) => needEngine().nearest(patch, count),
  };

  return (request) => {
    const run = queue.then(async (): Promise<Response> => {
      try {
        const method = methods[request.method] as (p: unknown) => Promise<unknown>;
        if (method == null) throw new Error(`unknown request "${String(request.method)}"`);
        return { id: request.id, ok: true, result: (await method(request.payload)) as never };
      } catch (error) {
        return { id: request.id, ok: false, error: toWireError(error, request.method === 'load' ? 'E_CHECKPOINT' : 'E_UNKNOWN') };
      }
    });
    queue = run;
    return run;
  };
}
