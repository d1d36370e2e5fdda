import { ConfigError } from '@vqct/core';
import type { ImageDataset } from './types';

/**
 * Which label-free variants of each training image a run also sees. Each is
 * exact and cheap on HWC pixels: a mirror, a translation (the edge pixels
 * repeat into the gap: white around emoji composited on white), and an
 * order of the colour channels.
 */
export interface AugmentOptions {
  /** Mirror left-right. */
  flip: boolean;
  /** Translate by up to this many pixels along each axis (0: none). */
  shift: number;
  /** Permute the three colour channels (6 orders); nothing for gray images. */
  channels: boolean;
}

/** No augmentation. */
export const NO_AUGMENT: Readonly<AugmentOptions> = Object.freeze({ flip: false, shift: 0, channels: false });

const PERMUTATIONS = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] as const;

/** One variant: mirrored or not, moved by (dy, dx), channels read in `order`. */
export interface AugmentVariant {
  flip: boolean;
  dy: number;
  dx: number;
  order: readonly number[];
}

/** Every variant the options allow; the first is the image itself. */
export function augmentVariants(options: AugmentOptions, channels: number): AugmentVariant[] {
  const shifts: number[] = [0];
  for (let s = 1; s <= options.shift; s++) shifts.push(s, -s);
  const orders = options.channels && channels === 3 ? PERMUTATIONS : [PERMUTATIONS[0]];
  const out: AugmentVariant[] = [];
  for (const order of orders) {
    for (const flip of options.flip ? [false, true] : [false]) {
      for (const dy of shifts) for (const dx of shifts) out.push({ flip, dy, dx, order });
    }
  }
  return out;
}

/** Variant `v` of one HWC image (`src` is not changed). */
export function applyVariant(src: Float32Array, h: number, w: number, c: number, v: AugmentVariant): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, y - v.dy));
    for (let x = 0; x < w; x++) {
      const ux = Math.min(w - 1, Math.max(0, x - v.dx));
      const sx = v.flip ? w - 1 - ux : ux;
      const from = (sy * w + sx) * c;
      const to = (y * w + x) * c;
      for (let k = 0; k < c; k++) out[to + k] = src[from + (c === 3 ? v.order[k] : k)];
    }
  }
  return out;
}

/** A dataset that may have captions (the emoji datasets' `caption(i)`). */
type CaptionedDataset = ImageDataset & { caption?: (i: number) => string };

/**
 * A dataset of every variant of every image: item `v * N + i` is variant `v`
 * of image `i` (variant 0 is the image itself). A BatchLoader's seeded order
 * over it is a pure function of (seed, epoch), so augmented runs resume
 * exactly like others. `caption(i)` is the source image's where the source
 * has captions.
 *
 * @example
 * const train = augmentedDataset(emoji, { flip: true, shift: 2, channels: false }); // 50 x emoji.size items
 * new BatchLoader(train, { batchSize: 16, seed: 1 });
 */
export function augmentedDataset(ds: ImageDataset, options: AugmentOptions): ImageDataset {
  const variants = augmentVariants(options, ds.channels);
  if (variants.length === 1) return ds;
  const n = ds.size;
  const { height, width, channels } = ds;
  const base = ds as CaptionedDataset;
  const augmented: CaptionedDataset = {
    size: n * variants.length, height, width, channels,
    name: `${ds.name}+${describeAugment(options)}`,
    get: async (index) => {
      const pixels = await ds.get(index % n);
      return pixels == null ? null : applyVariant(pixels, height, width, channels, variants[Math.floor(index / n)]);
    },
  };
  if (typeof base.caption === 'function') augmented.caption = (i) => base.caption!(i % n);
  return augmented;
}

/** "flip,shift:2,channels" (what parseAugment reads back); "none" for no augmentation. */
export function describeAugment(options: AugmentOptions): string {
  const parts = [...(options.flip ? ['flip'] : []), ...(options.shift > 0 ? [`shift:${options.shift}`] : []), ...(options.channels ? ['channels'] : [])];
  return parts.length > 0 ? parts.join(',') : 'none';
}

/**
 * Reads `flip,shift[:N],channels` (any subset, comma-separated; `shift` alone
 * is 2 pixels; `none` for none). ConfigError names the bad part.
 * @example parseAugment('flip,shift:1'); // { flip: true, shift: 1, channels: false }
 */
export function parseAugment(text: string): AugmentOptions {
  const options: AugmentOptions = { ...NO_AUGMENT };
  if (text.trim() === 'none') return options;
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const shift = /^shift(?::(\d+))?$/.exec(part);
    if (part === 'flip') options.flip = true;
    else if (part === 'channels') options.channels = true;
    else if (shift != null) {
      options.shift = shift[1] != null ? Number(shift[1]) : 2;
      if (options.shift < 1 || options.shift > 8) throw new ConfigError(`--augment: shift must be 1..8 pixels, got ${shift[1]}`);
    } else throw new ConfigError(`--augment: unknown part ${JSON.stringify(part)}; expected a comma-separated subset of flip, shift[:N], channels (or none)`);
  }
  return options;
}
