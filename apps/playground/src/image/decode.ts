/**
 * Image file -> RGBA pixels with the browser's own decoders (works in a worker:
 * createImageBitmap + OffscreenCanvas). No colour-space conversion, so PNG pixels come
 * out as stored and match what Node decoders give for the same file.
 */
import type { Rgba } from './prepare';

export async function decodeImageBlob(blob: Blob): Promise<Rgba> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx == null) throw new Error('no 2d context for OffscreenCanvas');
    ctx.drawImage(bitmap, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { data, width, height };
  } finally {
    bitmap.close();
  }
}
