import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset, VqModel } from '@vqct/vq';
import { readImageRange } from '../read-images';

/** Per-code counts of each half over some images (the usage histogram's data). */
export interface CodeCounts {
  adjective: Float64Array;
  noun: Float64Array;
  images: number;
}

/**
 * Encodes up to `limit` images of a dataset (in order, batches of `batch`) and
 * counts how often each adjective and noun code is picked.
 *
 * @example
 * const counts = await countCodes(model, ds, 256);
 */
export async function countCodes(model: VqModel, ds: ImageDataset, limit: number, batch = 32): Promise<CodeCounts> {
  const { kAdj, kNoun } = model.config;
  const adjective = new Float64Array(kAdj);
  const noun = new Float64Array(kNoun);
  const n = Math.min(limit, ds.size);
  let images = 0;
  for (let start = 0; start < n; start += batch) {
    const { pixels, count } = await readImageRange(ds, start, Math.min(n, start + batch));
    if (count === 0) continue;
    const tokens = tf.tidy(() => model.encode(tf.tensor4d(pixels, [count, ds.height, ds.width, ds.channels])));
    const data = (await tokens.data()) as Int32Array;
    const p = tokens.shape[3];
    tokens.dispose();
    for (let i = 0; i < data.length; i += p) {
      for (let j = 0; j < p - 1; j++) adjective[data[i + j]] += 1;
      noun[data[i + p - 1]] += 1;
    }
    images += count;
  }
  return { adjective, noun, images };
}

/** used / K and exp(entropy) of one half's counts. */
export function summarizeCounts(counts: Float64Array): { used: number; usage: number; perplexity: number } {
  let used = 0;
  let total = 0;
  for (const c of counts) { if (c > 0) used++; total += c; }
  let h = 0;
  if (total > 0) for (const c of counts) if (c > 0) h -= (c / total) * Math.log(c / total);
  return { used, usage: counts.length > 0 ? used / counts.length : 0, perplexity: total > 0 ? Math.exp(h) : 0 };
}
