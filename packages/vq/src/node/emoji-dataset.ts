import { InputError } from '@vqct/core';
import { ArrayImageDataset } from '../data/array-dataset';
import { DEFAULT_BACKGROUND, parseBackground, type Rgb } from './background';
import { EMOJI_STYLES, listEmojiImages, splitEmojiImages, type EmojiImage, type EmojiSplit, type EmojiStyle } from './emoji-catalog';

/** Held out by default: 10% of the base emoji (every style, every skin tone). */
export const DEFAULT_EMOJI_HELD_OUT = 0.1;

export interface EmojiDatasetOptions {
  /** Output side (64 = as shipped; otherwise resized after compositing). Default 32. */
  size?: number;
  /** 3 = RGB, 1 = gray. */
  channels?: 1 | 3;
  /** Which image sets (default both: google = Noto Emoji, twitter = Twemoji). */
  styles?: readonly EmojiStyle[];
  /** Which part of the split by emoji (default 'train'). */
  split?: EmojiSplit;
  /** Fraction of base emoji held out (default 0.1). */
  heldOut?: number;
  /** What transparent pixels become (default white). */
  background?: string | Rgb;
  /** At most this many images, spread evenly over the list (default all). */
  limit?: number;
}

/** An in-memory emoji dataset: the images and, per image, what it is. */
export class EmojiDataset extends ArrayImageDataset {
  constructor(pixels: Float32Array, readonly items: readonly EmojiImage[], shape: { size: number; channels: number; name: string }) {
    super(pixels, { count: items.length, height: shape.size, width: shape.size, channels: shape.channels, name: shape.name });
  }

  /** The caption of image `index` ("red apple"). */
  caption(index: number): string {
    return this.items[index].caption;
  }

  /** Distinct base emoji in this dataset. */
  get emojiCount(): number {
    return new Set(this.items.map((i) => i.base)).size;
  }
}

function evenly<T>(list: readonly T[], limit: number | undefined): T[] {
  if (limit == null || limit >= list.length) return [...list];
  if (!Number.isInteger(limit) || limit < 1) throw new InputError(`limit must be a positive integer, got ${limit}`);
  return Array.from({ length: limit }, (_, i) => list[Math.floor((i * list.length) / limit)]);
}

/**
 * The emoji of the `emoji-datasource-google` / `-twitter` npm packages
 * (64x64 PNGs with alpha): composited over `background`, resized to `size`,
 * mapped to [-1, 1], each with its caption, split by emoji so that no
 * held-out emoji is seen in training in any style. Decoded with sharp.
 *
 * @example
 * const train = await loadEmojiDataset({ size: 32, split: 'train' });
 * const test = await loadEmojiDataset({ size: 32, split: 'heldout' });
 * test.caption(0); // e.g. "grinning face with smiling eyes"
 */
export async function loadEmojiDataset(options: EmojiDatasetOptions = {}): Promise<EmojiDataset> {
  const size = options.size ?? 32;
  if (!Number.isInteger(size) || size < 1) throw new InputError(`emoji size must be a positive integer, got ${size}`);
  const channels = options.channels ?? 3;
  const styles = options.styles ?? EMOJI_STYLES;
  const split = options.split ?? 'train';
  const background = parseBackground(options.background ?? DEFAULT_BACKGROUND);
  const items = evenly(splitEmojiImages(listEmojiImages(styles), split, options.heldOut ?? DEFAULT_EMOJI_HELD_OUT), options.limit);
  if (items.length === 0) throw new InputError(`the emoji ${split} split of ${styles.join('+')} is empty`);
  let sharp: (typeof import('sharp'))['default'];
  try {
    sharp = (await import('sharp')).default;
  } catch (e) {
    throw new InputError('the emoji datasets need the "sharp" package (npm i sharp)', { cause: e });
  }
  const per = size * size * channels;
  const pixels = new Float32Array(items.length * per);
  const decode = async (i: number): Promise<void> => {
    const file = items[i].file;
    let img = sharp(file, { failOn: 'error' }).flatten({ background }).resize(size, size, { fit: 'fill' });
    img = channels === 1 ? img.grayscale() : img.toColourspace('srgb');
    let data: Buffer;
    try {
      data = (await img.raw().toBuffer({ resolveWithObject: true })).data;
    } catch (e) {
      throw new InputError(`cannot decode emoji image (${(e as Error).message.split('\n')[0]})`, { file, cause: e });
    }
    if (data.length !== per) throw new InputError(`emoji image decoded to ${data.length} values, expected ${per}`, { file });
    for (let j = 0; j < per; j++) pixels[i * per + j] = data[j] / 127.5 - 1;
  };
  const lanes = 8;
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < items.length) await decode(next++);
  }));
  const name = `emoji:${styles.join('+')}${split === 'all' ? '' : `:${split}`}`;
  return new EmojiDataset(pixels, items, { size, channels, name });
}
