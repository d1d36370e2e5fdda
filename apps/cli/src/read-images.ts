import type { ImageDataset } from '@vqct/vq';

/** Images of a dataset packed NHWC, with the indices they came from. */
export interface ImageRange {
  /** [count, height, width, channels], flattened. */
  pixels: Float32Array;
  count: number;
  indices: number[];
}

/**
 * Reads images `start` .. `end - 1` (clamped to the dataset) in order, skipping
 * the ones the dataset cannot read (`get` gives null), into one buffer.
 *
 * @example
 * const { pixels, count } = await readImageRange(ds, 0, 32);
 * tf.tensor4d(pixels, [count, ds.height, ds.width, ds.channels]);
 */
export async function readImageRange(ds: ImageDataset, start: number, end: number): Promise<ImageRange> {
  const items: Float32Array[] = [];
  const indices: number[] = [];
  for (let i = start; i < Math.min(end, ds.size); i++) {
    const img = await ds.get(i);
    if (img == null) continue;
    items.push(img);
    indices.push(i);
  }
  const per = ds.height * ds.width * ds.channels;
  const pixels = new Float32Array(items.length * per);
  items.forEach((img, i) => pixels.set(img, i * per));
  return { pixels, count: items.length, indices };
}
