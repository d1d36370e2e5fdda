import * as tf from '@tensorflow/tfjs-core';
import type { VqModel } from '@vqct/vq';

/**
 * Images -> token grids with a trained tokenizer, in batches (reads each batch
 * back asynchronously). Returns tokenizer ids [n, h', w', k+1] flattened.
 *
 * @example
 * const grids = await encodeImages(ck.model, pixels, n, 32, 3, (done) => bar(done));
 */
export async function encodeImages(model: VqModel, pixels: Float32Array, count: number, size: number, channels: number, onProgress?: (done: number) => void, batch = 64): Promise<Int32Array> {
  const per = size * size * channels;
  const parts: Int32Array[] = [];
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const tokens = tf.tidy(() => model.encode(tf.tensor4d(pixels.subarray(start * per, (start + n) * per), [n, size, size, channels])));
    parts.push(Int32Array.from(await tokens.data()));
    tokens.dispose();
    onProgress?.(start + n);
  }
  return concatInt32(parts);
}

/** The parts one after another, in one array. */
export function concatInt32(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
