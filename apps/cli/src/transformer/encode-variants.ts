import type { AugmentOptions, VqModel } from '@vqct/vq';
import { applyVariant, augmentVariants, type AugmentVariant } from '@vqct/vq';
import { concatInt32, encodeImages } from './encode-images';

/** Images as the transformer's data readers return them (HWC, in [-1, 1]). */
export interface ImageBlock {
  pixels: Float32Array;
  count: number;
  size: number;
  channels: number;
}

/**
 * Token grids of images and of their variants (`--augment`): variant v of image i is
 * grid v * count + i, as in `augmentedDataset`, so grid s shows image s % count (whose
 * label or caption it keeps). Variant 0 is the image itself; one variant's pixels exist
 * at a time.
 *
 * @example
 * const { grids, variants } = await encodeVariants(ck.model, images, { flip: true, shift: 0, channels: false }); // 2 x images.count grids
 */
export async function encodeVariants(model: VqModel, images: ImageBlock, augment: AugmentOptions | null): Promise<{ grids: Int32Array; variants: number }> {
  const variants = augment != null ? augmentVariants(augment, images.channels) : [null];
  const parts: Int32Array[] = [];
  for (const [v, variant] of variants.entries()) {
    const pixels = variant == null || v === 0 ? images.pixels : variantPixels(images, variant);
    parts.push(await encodeImages(model, pixels, images.count, images.size, images.channels));
  }
  return { grids: concatInt32(parts), variants: variants.length };
}

function variantPixels(images: ImageBlock, variant: AugmentVariant): Float32Array {
  const { size, channels, count } = images;
  const per = size * size * channels;
  const out = new Float32Array(count * per);
  for (let i = 0; i < count; i++) out.set(applyVariant(images.pixels.subarray(i * per, (i + 1) * per), size, size, channels, variant), i * per);
  return out;
}
