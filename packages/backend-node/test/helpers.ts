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
