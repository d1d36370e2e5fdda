import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/use-node-backend';
import { maxRelError, randn, runOn } from './helpers';

/** A tiny VQGAN-shaped net: conv, GroupNorm (moments), swish, strided conv with right/bottom pad, codebook lookup (transposed matMul + argMin + oneHot), gather, nearest upsample, conv. */
const SHAPES = { w1: [3, 3, 3, 8], w2: [3, 3, 8, 8], codes: [6, 8], w3: [3, 3, 8, 3] } as const;

function makeParams(): Record<keyof typeof SHAPES, Float32Array> {
  let seed = 40;
  const entries = Object.entries(SHAPES).map(([k, s]) => [k, Float32Array.from(randn(seed++, (s as readonly number[]).reduce((a, b) => a * b, 1)), (v) => v * 0.3)]);
  return Object.fromEntries(entries) as Record<keyof typeof SHAPES, Float32Array>;
}

/** Stop-gradient through customGrad (tfjs has no stopGradient op). */
const sg = tf.customGrad(((a: tf.Tensor) => ({ value: tf.add(a, 0), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as never) as unknown as (a: tf.Tensor) => tf.Tensor;

function loss(x: tf.Tensor4D, p: Record<keyof typeof SHAPES, tf.Tensor>): tf.Scalar {
  const [b, h, w] = x.shape;
  let y = tf.conv2d(x, p.w1 as tf.Tensor4D, 1, 'same');
  const g = tf.reshape(y, [b, h, w, 2, 4]);
  const { mean, variance } = tf.moments(g, [1, 2, 4], true);
  y = tf.reshape(tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, 1e-6))), [b, h, w, 8]);
  y = tf.mul(y, tf.sigmoid(y));
  y = tf.conv2d(tf.pad(y, [[0, 0], [0, 1], [0, 1], [0, 0]]), p.w2 as tf.Tensor4D, 2, 'valid');
  const z = tf.reshape(y, [-1, 8]);
  const d = tf.sub(tf.sum(tf.square(p.codes), 1), tf.mul(2, tf.matMul(z, p.codes, false, true)));
  // argMin's indices must not feed gather inside a gradient (tfjs asks for a
  // float32 gradient of gather's int32 indices); oneHot x codes is the usual way.
  const q = tf.matMul(tf.oneHot(tf.argMin(d, 1), SHAPES.codes[0]), p.codes);
  // gather (its gradient is UnsortedSegmentSum) with indices off the tape.
  const extra = tf.mean(tf.square(tf.gather(p.codes, tf.tensor1d([0, 2, 2, 5], 'int32'))));
  const st = tf.add(z, tf.sub(q, sg(q)));
  const commit = tf.mean(tf.squaredDifference(q, sg(z)));
  const up = tf.image.resizeNearestNeighbor(tf.reshape(tf.add(st, q), y.shape) as tf.Tensor4D, [h, w]);
  const out = tf.conv2d(up, p.w3 as tf.Tensor4D, 1, 'same');
  return tf.addN([tf.mean(tf.abs(tf.sub(out, x))), commit, tf.mul(0.01, extra)]) as tf.Scalar;
}

describe('training on wasm', () => {
  const params = makeParams();
  const x = Float32Array.from(randn(50, 3 * 8 * 8 * 3), (v) => Math.tanh(v));

  it('gives the same gradients as cpu', async () => {
    const run = () => {
      const keys = Object.keys(SHAPES) as Array<keyof typeof SHAPES>;
      const ts = keys.map((k) => tf.tensor(params[k], SHAPES[k] as unknown as number[]));
      const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => loss(tf.tensor4d(x, [3, 8, 8, 3]), Object.fromEntries(keys.map((k, i) => [k, args[i]])) as never))(ts);
      return [value, ...grads];
    };
    const wasm = await runOn('wasm', run);
    const cpu = await runOn('cpu', run);
    expect(wasm.length).toBe(5);
    for (let i = 0; i < wasm.length; i++) expect(maxRelError(wasm[i], cpu[i]), `output ${i}`).toBeLessThan(1e-4);
  });

  it('lowers the loss with Adam', async () => {
    await useNodeBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const vars = Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, tf.tidy(() => tf.variable(tf.tensor(params[k as keyof typeof SHAPES], s as unknown as number[])))])) as Record<keyof typeof SHAPES, tf.Variable>;
    const input = tf.tensor4d(x, [3, 8, 8, 3]);
    const opt = tf.train.adam(0.01);
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const l = opt.minimize(() => loss(input, vars), true)!;
      losses.push((await l.data())[0]);
      l.dispose();
    }
    opt.dispose();
    tf.dispose([input, ...Object.values(vars)]);
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[29]).toBeLessThan(losses[0] * 0.8);
  });
});
