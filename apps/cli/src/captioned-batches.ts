import * as tf from '@tensorflow/tfjs-core';
import type { CaptionedBatch, ImageDataset } from '@vqct/vq';
import { readImageRange } from './read-images';

/** `caption(i)` of a dataset that has captions (the emoji datasets), else null. */
export function datasetCaptions(ds: object): ((i: number) => string) | null {
  const c = (ds as { caption?: unknown }).caption;
  return typeof c === 'function' ? (i: number) => (c as (i: number) => string).call(ds, i) : null;
}

/**
 * The whole dataset in order, `batchSize` images a batch, each with its caption
 * (null for data without captions); unreadable images are skipped. The consumer
 * owns (disposes) each batch's tensor.
 *
 * @example
 * for await (const b of captionedBatches(ds, 64)) { use(b.images, b.captions); b.images.dispose(); }
 */
export async function* captionedBatches(ds: ImageDataset, batchSize: number, onProgress?: (done: number, total: number) => void): AsyncGenerator<CaptionedBatch> {
  const captionOf = datasetCaptions(ds);
  for (let start = 0; start < ds.size; start += batchSize) {
    const { pixels, count, indices } = await readImageRange(ds, start, start + batchSize);
    onProgress?.(Math.min(ds.size, start + batchSize), ds.size);
    if (count === 0) continue;
    yield { images: tf.tensor4d(pixels, [count, ds.height, ds.width, ds.channels]), captions: indices.map((i) => captionOf?.(i) ?? null) };
  }
}
