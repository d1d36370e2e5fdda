/**
 * Messages between the page and the model worker. Every request carries an id; the
 * worker answers each with exactly one response of the same id. Large arrays are
 * transferred, not copied.
 */
import type { ModelFiles, ModelImage, ModelInfo, NearestWords } from '../model/engine';
import type { GeneratorInfo, SampleRequest } from '../model/generator';
import type { GeneratorFiles } from '../model/load-generator';
import type { BackendReport, WireError } from '../ui/messages';
import type { Rgba } from '../image/prepare';

export interface RunResult {
  /** The image as the model saw it: centre square, resized, in [-1, 1]. */
  input: ModelImage;
  tokens: Int32Array;
  reconstruction: ModelImage;
  encodeMs: number;
  decodeMs: number;
}

export interface DecodeResult {
  image: ModelImage;
  decodeMs: number;
}

export interface GenerateResult {
  /** The sampled grid int32 [gridH, gridW, k + 1]. */
  tokens: Int32Array;
  image: ModelImage;
  sampleMs: number;
  decodeMs: number;
}

/** Request type -> [payload, result]. */
export interface Api {
  init: [{ prefer?: string }, BackendReport];
  load: [ModelFiles, ModelInfo];
  /** An encoded image file (decoded in the worker) or decoded RGBA pixels. */
  run: [{ blob: Blob } | { rgba: Rgba }, RunResult];
  decode: [{ tokens: Int32Array }, DecodeResult];
  nearest: [{ patch: number; count: number }, NearestWords];
  /** A model of @vqct/models, fetched from `baseUrl` (the folder holding `<name>/`). */
  loadShipped: [{ name: string; baseUrl: string }, ModelInfo];
  loadGenerator: [GeneratorFiles, GeneratorInfo];
  /** Samples a grid (progress: each position as it is sampled) and decodes it. */
  generate: [SampleRequest, GenerateResult];
}

/** Sent (any number of times) before the response of a `generate`: the grid so far. */
export interface Progress {
  id: number;
  progress: { position: number; tokens: Int32Array };
}

export type Method = keyof Api;

export interface Request<M extends Method = Method> {
  id: number;
  method: M;
  payload: Api[M][0];
}

export type Response<M extends Method = Method> =
  | { id: number; ok: true; result: Api[M][1] }
  | { id: number; ok: false; error: WireError };

/** The buffers of a value worth transferring (typed arrays, nested one level in objects). */
export function transferables(value: unknown): Transferable[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number) => {
    if (v == null || typeof v !== 'object' || depth > 3) return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && v.byteLength === v.buffer.byteLength) out.add(v.buffer);
      return;
    }
    for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(value, 0);
  return [...out];
}
