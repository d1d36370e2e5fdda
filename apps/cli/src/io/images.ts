import { existsSync, statSync } from 'node:fs';
import { InputError } from '@vqct/core';
import { writeFileAtomic } from '@vqct/core/node';
import sharp from 'sharp';
import { parseBackground } from '@vqct/vq/node';

/** An image as bytes: HWC uint8, 1 (gray) or 3 (RGB) channels. */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/**
 * The most pixels an input image may have (width x height, from its header, checked
 * by sharp before decoding): sharp's default 0x3FFF x 0x3FFF (268 M), a 1 GB RGBA
 * decode. A 100k x 100k PNG is refused without allocating it.
 */
export const MAX_IMAGE_PIXELS = 0x3fff * 0x3fff;

export interface ReadImageOptions {
  /** Override MAX_IMAGE_PIXELS. */
  maxPixels?: number;
}

/**
 * Reads an image file (PNG, JPEG, WebP, GIF, TIFF, SVG: what sharp decodes)
 * as float32 HWC in [-1, 1]: EXIF-rotated, resized to cover `size` x `size`
 * and center-cropped, RGB (alpha dropped, gray expanded) or gray.
 * A missing or undecodable file is an InputError naming it.
 *
 * @example
 * const px = await readImage('cat.png', 32, 3); // Float32Array(32 * 32 * 3)
 */
export async function readImage(file: string, size: number, channels: 1 | 3, background = 'white', options: ReadImageOptions = {}): Promise<Float32Array> {
  if (!existsSync(file)) throw new InputError('no such file', { file });
  if (statSync(file).isDirectory()) throw new InputError('is a folder, expected an image file', { file });
  // Transparency is composited over the background, as in training (never dropped).
  let img = sharp(file, { failOn: 'error', limitInputPixels: options.maxPixels ?? MAX_IMAGE_PIXELS }).rotate().flatten({ background: parseBackground(background) }).resize(size, size, { fit: 'cover', position: 'centre' });
  img = channels === 1 ? img.grayscale() : img.toColourspace('srgb');
  let data: Buffer;
  try {
    data = (await img.raw().toBuffer({ resolveWithObject: true })).data;
  } catch (e) {
    throw new InputError(`not a readable image (${(e as Error).message.split('\n')[0]})`, { file, cause: e });
  }
  if (data.length !== size * size * channels) throw new InputError(`decoded ${data.length} bytes, expected ${size}x${size}x${channels}`, { file });
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] / 127.5 - 1;
  return out;
}

/** float32 HWC in [-1, 1] -> RawImage bytes (clipped, rounded). */
export function toRawImage(pixels: ArrayLike<number>, height: number, width: number, channels: number): RawImage {
  const data = new Uint8Array(height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = Math.round((Math.min(Math.max(pixels[i], -1), 1) + 1) * 127.5);
  return { width, height, channels, data };
}

/** RawImage -> PNG bytes, optionally scaled up by an integer factor (nearest neighbour, so pixels stay sharp). */
export async function pngBytes(image: RawImage, scale = 1): Promise<Buffer> {
  let img = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels as 1 | 3 | 4 },
  });
  if (scale > 1) img = img.resize(image.width * scale, image.height * scale, { kernel: 'nearest' });
  return img.png().toBuffer();
}

/**
 * Writes a RawImage as PNG, atomically (never half-written).
 *
 * @example
 * await writePng('out.png', toRawImage(recon, 32, 32, 3), 4); // 128x128
 */
export async function writePng(file: string, image: RawImage, scale = 1): Promise<void> {
  writeFileAtomic(file, await pngBytes(image, scale));
}

/** Renders an SVG document to PNG bytes (sharp/librsvg). */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg, 'utf8')).png().toBuffer();
}

/** Lays out images side by side in a row (same size each); gaps filled white. */
export function rowOf(images: RawImage[], gap = 1): RawImage {
  const { width: w, height: h, channels: c } = images[0];
  const width = images.length * w + (images.length - 1) * gap;
  const data = new Uint8Array(width * h * c).fill(255);
  images.forEach((img, n) => {
    for (let y = 0; y < h; y++) {
      data.set(img.data.subarray(y * w * c, (y + 1) * w * c), (y * width + n * (w + gap)) * c);
    }
  });
  return { width, height: h, channels: c, data };
}

/** Stacks rows of equal width vertically. */
export function columnOf(rows: RawImage[], gap = 1): RawImage {
  const { width: w, channels: c } = rows[0];
  const height = rows.reduce((s, r) => s + r.height, 0) + (rows.length - 1) * gap;
  const data = new Uint8Array(w * height * c).fill(255);
  let y0 = 0;
  for (const r of rows) {
    data.set(r.data, y0 * w * c);
    y0 += r.height + gap;
  }
  return { width: w, height, channels: c, data };
}
