import { InputError } from '@vqct/core';
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { ImageDataset } from '../data/types';
import { DEFAULT_BACKGROUND, parseBackground, type Rgb } from './background';

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

export interface ImageFolderOptions {
  /** Output side in pixels (images are resized so the short side fits, then center-cropped). */
  size: number;
  /** 3 = RGB (gray expanded), 1 = gray. */
  channels?: 1 | 3;
  /** What transparent pixels are composited over (default white). */
  background?: string | Rgb;
  /** Walk subfolders too (default true). */
  recursive?: boolean;
}

function listImages(dir: string, recursive: boolean): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new InputError(`cannot list image folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file: dir, cause: e });
  }
  const out: string[] = [];
  for (const name of entries.sort()) {
    const p = join(dir, name);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      continue;
    }
    if (isDir) {
      if (recursive) out.push(...listImages(p, recursive));
    } else if (EXTENSIONS.has(extname(name).toLowerCase())) {
      out.push(p);
    }
  }
  return out;
}

/** A skipped file and why, for reports. */
export interface SkippedImage {
  file: string;
  reason: string;
}

/**
 * Images in a folder (PNG, JPEG, WebP; sorted paths) decoded with sharp:
 * transparency composited over `background` (white by default), resized to
 * cover `size`, center-cropped, RGB (or gray), scaled to [-1, 1].
 * A file sharp cannot decode resolves `null` and is listed in `skipped`;
 * it never fails a run.
 *
 * @example
 * const ds = await ImageFolderDataset.open('data/cats', { size: 32 });
 * for await (const img of ds) { ... } // Float32Array HWC
 */
export class ImageFolderDataset implements ImageDataset {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly name: string;
  readonly skipped: SkippedImage[] = [];
  private readonly background: Rgb;

  private constructor(
    readonly files: string[],
    private readonly sharp: (typeof import('sharp'))['default'],
    options: ImageFolderOptions,
    dir: string,
  ) {
    this.height = options.size;
    this.width = options.size;
    this.channels = options.channels ?? 3;
    this.name = `folder:${dir}`;
    this.background = parseBackground(options.background ?? DEFAULT_BACKGROUND);
  }

  /** Lists the folder; fails with InputError when it has no image files. */
  static async open(dir: string, options: ImageFolderOptions): Promise<ImageFolderDataset> {
    if (!Number.isInteger(options.size) || options.size < 1) throw new InputError(`image size must be a positive integer, got ${options.size}`);
    const files = listImages(dir, options.recursive ?? true);
    if (files.length === 0) throw new InputError('no .png/.jpg/.jpeg/.webp images found', { file: dir });
    const sharp = (await import('sharp')).default;
    return new ImageFolderDataset(files, sharp, options, dir);
  }

  get size(): number {
    return this.files.length;
  }

  async get(index: number): Promise<Float32Array | null> {
    const file = this.files[index];
    try {
      // flatten composites alpha over the background (a no-op without alpha).
      let img = this.sharp(file, { failOn: 'error' }).rotate().flatten({ background: this.background }).resize(this.width, this.height, { fit: 'cover', position: 'centre' });
      img = this.channels === 1 ? img.grayscale() : img.toColourspace('srgb');
      const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
      if (info.channels !== this.channels || info.width !== this.width || info.height !== this.height) {
        throw new Error(`decoded ${info.width}x${info.height}x${info.channels}`);
      }
      const out = new Float32Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = data[i] / 127.5 - 1;
      return out;
    } catch (e) {
      this.skipped.push({ file, reason: (e as Error).message.split('\n')[0] });
      return null;
    }
  }

  /** Every readable image in path order; unreadable ones are skipped (see `skipped`). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Float32Array> {
    for (let i = 0; i < this.files.length; i++) {
      const img = await this.get(i);
      if (img != null) yield img;
    }
  }
}
