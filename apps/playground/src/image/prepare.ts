/**
 * From decoded pixels of any size to the model's input, and back to pixels. Pure
 * TypeScript over arrays (no canvas), so the browser and the Node parity check in the
 * tests prepare an image to the same floats.
 */
import type { ModelImage } from '../model/engine';

/** Decoded 8-bit pixels, like ImageData: RGBA, row-major. */
export interface Rgba {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** The largest centred square of the image: the model is trained on square images. */
export function centerSquare(width: number, height: number): { x: number; y: number; size: number } {
  const size = Math.min(width, height);
  return { x: Math.floor((width - size) / 2), y: Math.floor((height - size) / 2), size };
}

/**
 * Area-averaging resize of a box of a single-channel-per-call float plane: each output
 * pixel is the mean of the source area it covers, weighted by overlap. Downscaling
 * averages (no aliasing); upscaling interpolates piecewise-constant.
 */
function resampleAxis(
  src: Float32Array, srcLen: number, lines: number, stride: number, lineStride: number,
  from: number, span: number, outLen: number,
): Float32Array {
  const out = new Float32Array(outLen * lines);
  const scale = span / outLen;
  for (let o = 0; o < outLen; o++) {
    const a = from + o * scale;
    const b = a + scale;
    for (let l = 0; l < lines; l++) {
      let sum = 0;
      for (let s = Math.floor(a); s < Math.min(Math.ceil(b), srcLen); s++) {
        const w = Math.min(b, s + 1) - Math.max(a, s);
        if (w > 0) sum += w * src[l * lineStride + s * stride];
      }
      out[l * outLen + o] = sum / scale;
    }
  }
  return out;
}

/**
 * Crops the centred square, resizes it to `height` x `width` by area averaging and maps
 * it to [-1, 1] with `channels` channels (1: luma, BT.601 weights; 3: RGB). Alpha is
 * composited over white (fashion-mnist style images have no alpha; logos might).
 */
export function prepareImage(img: Rgba, height: number, width: number, channels: number): ModelImage {
  if (!(img.width > 0 && img.height > 0)) throw new RangeError(`image of ${img.width}x${img.height} pixels is empty`);
  if (img.data.length !== img.width * img.height * 4) {
    throw new RangeError(`RGBA data of ${img.data.length} bytes does not match ${img.width}x${img.height}`);
  }
  if (channels !== 1 && channels !== 3) throw new RangeError(`channels must be 1 or 3, got ${channels}`);
  const { x, y, size } = centerSquare(img.width, img.height);
  const planes: Float32Array[] = [];
  const rgb = [0, 1, 2].map(() => new Float32Array(img.width * img.height));
  for (let i = 0; i < img.width * img.height; i++) {
    const alpha = img.data[i * 4 + 3] / 255;
    for (let c = 0; c < 3; c++) rgb[c][i] = img.data[i * 4 + c] * alpha + 255 * (1 - alpha);
  }
  if (channels === 1) {
    const luma = new Float32Array(img.width * img.height);
    for (let i = 0; i < luma.length; i++) luma[i] = 0.299 * rgb[0][i] + 0.587 * rgb[1][i] + 0.114 * rgb[2][i];
    planes.push(luma);
  } else {
    planes.push(...rgb);
  }
  const out = new Float32Array(height * width * channels);
  planes.forEach((plane, c) => {
    // Rows first: [img.height, width] after the x pass, then [height, width].
    const xs = resampleAxis(plane, img.width, img.height, 1, img.width, x, size, width);
    const cols = new Float32Array(width * img.height);
    for (let r = 0; r < img.height; r++) for (let q = 0; q < width; q++) cols[q * img.height + r] = xs[r * width + q];
    const ys = resampleAxis(cols, img.height, width, 1, img.height, y, size, height);
    for (let q = 0; q < width; q++) {
      for (let r = 0; r < height; r++) out[(r * width + q) * channels + c] = ys[q * height + r] / 127.5 - 1;
    }
  });
  return { data: out, height, width, channels };
}

/** A model image ([-1, 1], 1 or 3 channels) as opaque RGBA bytes for a canvas. */
export function toRgba(img: ModelImage): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    for (let c = 0; c < 3; c++) {
      const v = img.data[i * img.channels + (img.channels === 1 ? 0 : c)];
      out[i * 4 + c] = Math.round((v + 1) * 127.5);
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Peak signal-to-noise ratio in dB between two model images (range 2). */
export function psnr(a: ModelImage, b: ModelImage): number {
  if (a.data.length !== b.data.length) throw new RangeError(`images differ in size: ${a.data.length} vs ${b.data.length}`);
  let se = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.max(-1, Math.min(1, a.data[i])) - Math.max(-1, Math.min(1, b.data[i]));
    se += d * d;
  }
  const mse = se / a.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10(4 / mse);
}
