/**
 * The worker's side of the protocol, independent of `self`: a function from a request
 * to a response, over an engine loader and a backend starter, so it is testable in Node.
 * Requests run one at a time, in arrival order (the model is not re-entrant).
 */
import type { Engine, EngineLoader, ShippedLoader } from '../model/engine';
import type { Generator } from '../model/generator';
import type { GeneratorFiles } from '../model/load-generator';
import type { BackendReport } from '../ui/messages';
import { toWireError } from '../ui/messages';
import type { Rgba } from '../image/prepare';
import { prepareImage } from '../image/prepare';
import type { Api, Method, Progress, Request, Response } from './protocol';

export interface HandlerDeps {
  startBackend(prefer?: string): Promise<BackendReport>;
  loadEngine: EngineLoader;
  /** A model of @vqct/models (absent: the request fails). */
  loadShipped?: ShippedLoader;
  /** A generator (absent: the request fails). */
  loadGenerator?: (files: GeneratorFiles) => Promise<Generator>;
  /** Decodes an image file to RGBA; throws (any error) when it cannot. */
  decodeImage(blob: Blob): Promise<Rgba>;
  /** Milliseconds, monotonic (performance.now). */
  now(): number;
}

/** The generator fits the tokenizer it was trained on, and no other. */
function checkPair(engine: Engine, generator: Generator): void {
  const want = generator.info.tokenizer.weightsSha256;
  if (engine.info.weightsSha256 !== want) {
    throw Object.assign(new Error(`the generator ${generator.info.name} models the tokens of ${generator.info.tokenizer.name} with weights sha256 ${want.slice(0, 12)}...; the loaded model ${engine.info.name} has ${String(engine.info.weightsSha256).slice(0, 12)}... (retrain the generator on it: apps/playground/README.md)`), { code: 'E_MISMATCH' });
  }
}

export function createHandler(deps: HandlerDeps): (request: Request, onProgress?: (p: Progress) => void) => Promise<Response> {
  let engine: Engine | null = null;
  let generator: Generator | null = null;
  let progress: ((p: Progress['progress']) => void) | null = null;
  let backend: Promise<BackendReport> | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const needEngine = (): Engine => {
    if (engine == null) throw Object.assign(new Error('no model is loaded yet'), { code: 'E_CHECKPOINT' });
    return engine;
  };

  const started = async (): Promise<void> => {
    if (backend == null) backend = deps.startBackend();
    await backend;
  };

  const methods: { [M in Method]: (payload: Api[M][0]) => Promise<Api[M][1]> } = {
    init: (payload) => {
      backend ??= deps.startBackend(payload.prefer);
      return backend;
    },
    load: async (files) => {
      await started();
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
    loadShipped: async ({ name, baseUrl }) => {
      if (deps.loadShipped == null) throw new Error('this worker cannot load shipped models');
      await started();
      const next = await deps.loadShipped(name, baseUrl);
      engine?.dispose();
      engine = next;
      return next.info;
    },
    loadGenerator: async (files) => {
      if (deps.loadGenerator == null) throw new Error('this worker cannot load generators');
      await started();
      const next = await deps.loadGenerator(files);
      generator?.dispose();
      generator = next;
      return next.info;
    },
    generate: async (request) => {
      const e = needEngine();
      if (generator == null) throw Object.assign(new Error('no generator is loaded yet'), { code: 'E_CHECKPOINT' });
      checkPair(e, generator);
      const t0 = deps.now();
      const tokens = await generator.sample(request, e.info, (position, grid) => progress?.({ position, tokens: grid }));
      const t1 = deps.now();
      const image = await e.decode(tokens);
      return { tokens, image, sampleMs: t1 - t0, decodeMs: deps.now() - t1 };
    },
  };

  return (request, onProgress) => {
    const run = queue.then(async (): Promise<Response> => {
      progress = onProgress == null ? null : (p) => onProgress({ id: request.id, progress: p });
      try {
        const method = methods[request.method] as (p: unknown) => Promise<unknown>;
        if (method == null) throw new Error(`unknown request "${String(request.method)}"`);
        return { id: request.id, ok: true, result: (await method(request.payload)) as never };
      } catch (error) {
        return { id: request.id, ok: false, error: toWireError(error, request.method.startsWith('load') ? 'E_CHECKPOINT' : 'E_UNKNOWN') };
      } finally {
        progress = null;
      }
    });
    queue = run;
    return run;
  };
}
