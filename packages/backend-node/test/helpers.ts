import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import { useNodeBackend } from '../src/use-node-backend';

/** Seeded standard-normal values. */
export function randn(seed: number, n: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Seeded integers in [lo, hi). */
export function randint(seed: number, n: number, lo: number, hi: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => lo + rng.int(hi - lo));
}

/**
 * Runs `fn` on `backend` inside a tidy and returns the values of every tensor
 * it returns; also checks that nothing leaked.
 */
export async function runOn(backend: 'cpu' | 'wasm', fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await useNodeBackend({ backend });
  const before = tf.memory().numTensors;
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(list);
  if (tf.memory().numTensors !== before) throw new Error(`leaked ${tf.memory().numTensors - before} tensors on ${backend}`);
  return values;
}

/** Largest |a - b| relative to max(1, max |b|). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  return err / scale;
}

/** A conv padding as tfjs takes it. */
export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** The conv shapes both conv-gradient kernels are checked on (NHWC x, HWIO filter). */
export const CONV_CASES: Array<{ name: string; x: number[]; f: number[]; stride: number; pad: Pad }> = [
  { name: '3x3 stride 2 same, odd sizes, batch 2', x: [2, 7, 9, 3], f: [3, 3, 3, 5], stride: 2, pad: 'same' },
  { name: '1x1 valid', x: [1, 5, 5, 4], f: [1, 1, 4, 6], stride: 1, pad: 'valid' },
  { name: '3x3 explicit right/bottom pad, stride 2 (the downsample)', x: [3, 8, 6, 2], f: [3, 3, 2, 4], stride: 2, pad: [[0, 0], [0, 1], [0, 1], [0, 0]] },
  { name: '4x2 kernel stride 3 valid (rows and columns left over)', x: [2, 11, 10, 3], f: [4, 2, 3, 2], stride: 3, pad: 'valid' },
  { name: '5x5 same, stride 1, batch 4', x: [4, 6, 7, 3], f: [5, 5, 3, 3], stride: 1, pad: 'same' },
];

/**
 * Every tap of a 2-D convolution: calls `tap(xAt, dyAt, wAt)` with the flat offsets of
 * x[n, iy, ix, 0], dy[n, oy, ox, 0] and W[fy, fx, 0, 0] for each output position and
 * filter tap that lands inside x (iy = oy * stride - padTop + fy, same for x). The
 * plain-JS references of the conv gradients are sums over these.
 */
export function forEachConvTap(xs: number[], dys: number[], f: number[], stride: number, padTop: number, padLeft: number, tap: (xAt: number, dyAt: number, wAt: number) => void): void {
  const [b, h, w, ci] = xs;
  const [, oh, ow, co] = dys;
  const [fh, fw] = f;
  for (let n = 0; n < b; n++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    for (let fy = 0; fy < fh; fy++) for (let fx = 0; fx < fw; fx++) {
      const iy = oy * stride - padTop + fy;
      const ix = ox * stride - padLeft + fx;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      tap(((n * h + iy) * w + ix) * ci, ((n * oh + oy) * ow + ox) * co, (fy * fw + fx) * ci * co);
    }
  }
}
