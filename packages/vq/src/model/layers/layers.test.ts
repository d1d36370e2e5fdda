import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParamStore } from '../param-store';
import { AttnBlock } from './attn-block';
import { GroupNorm } from './group-norm';
import { Downsample, upsampleNearest2x } from './resample';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('layers', () => {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('nearest 2x upsampling repeats each pixel and sums 2x2 blocks in the gradient (batch 2)', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
    const y = upsampleNearest2x(x);
    expect(y.shape).toEqual([2, 4, 4, 1]);
    expect(await values(y)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4, 5, 5, 6, 6, 5, 5, 6, 6, 7, 7, 8, 8, 7, 7, 8, 8]);
    const w = tf.tidy(() => tf.reshape(tf.range(0, 32), [2, 4, 4, 1]));
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(upsampleNearest2x(t as tf.Tensor4D), w)))(x);
    // block sums of 0..31 laid out 4x4 per image: (0+1+4+5), (2+3+6+7), (8+9+12+13), (10+11+14+15), then +64 each
    expect(await values(g)).toEqual([10, 18, 42, 50, 74, 82, 106, 114]);
    tf.dispose([x, y, w, g]);
  });

  it('GroupNorm normalizes each group over h, w and its channels (eps 1e-6)', async () => {
    const store = new ParamStore(0);
    const norm = new GroupNorm(store, 'n', 64);
    const x = tf.tidy(() => tf.randomNormal([2, 3, 3, 64], 2, 3, 'float32', 1) as tf.Tensor4D);
    const y = norm.apply(x);
    // group g holds channels 2g, 2g+1: mean 0, variance 1 over [3, 3, 2]
    const stats = tf.tidy(() => {
      const grouped = tf.reshape(y, [2, 9, 32, 2]);
      const { mean, variance } = tf.moments(grouped, [1, 3]);
      return [tf.max(tf.abs(mean)), tf.max(tf.abs(tf.sub(variance, 1)))];
    });
    expect((await stats[0].data())[0]).toBeLessThan(1e-5);
    expect((await stats[1].data())[0]).toBeLessThan(1e-4);
    tf.dispose([x, y, ...stats]);
    store.dispose();
  });

  it('Downsample pads only right and bottom before its stride-2 3x3 conv', async () => {
    const store = new ParamStore(0);
    const down = new Downsample(store, 'd', 1);
    const { kernel, bias } = { kernel: store.named()['d.conv.kernel'], bias: store.named()['d.conv.bias'] };
    // a kernel that reads only its top-left tap: output (i, j) = input (2i, 2j) -> no left/top padding
    tf.tidy(() => {
      kernel.assign(tf.reshape(tf.cast(tf.oneHot(tf.tensor1d([0], 'int32'), 9), 'float32'), [3, 3, 1, 1]));
      bias.assign(tf.zeros([1]));
    });
    const x = tf.tidy(() => tf.reshape(tf.range(1, 17), [1, 4, 4, 1]) as tf.Tensor4D);
    const y = down.apply(x);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(await values(y)).toEqual([1, 3, 9, 11]);
    tf.dispose([x, y]);
    store.dispose();
  });

  it('AttnBlock equals x + proj(softmax(q k^T / sqrt(c)) v) computed by hand', async () => {
    const store = new ParamStore(3);
    const attn = new AttnBlock(store, 'a', 32);
    const x = tf.tidy(() => tf.randomNormal([1, 2, 2, 32], 0, 1, 'float32', 2) as tf.Tensor4D);
    const got = attn.apply(x);
    const want = tf.tidy(() => {
      const p = store.named();
      const lin = (t: tf.Tensor2D, name: string) => tf.add(tf.matMul(t, tf.reshape(p[`a.${name}.kernel`], [32, 32])), p[`a.${name}.bias`]);
      const flat = tf.reshape(x, [4, 32]);
      const grouped = tf.reshape(flat, [4, 32, 1]);
      const { mean, variance } = tf.moments(grouped, [0, 2], true);
      const n = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, 1e-6))), [4, 32]) as tf.Tensor2D;
      const w = tf.softmax(tf.div(tf.matMul(lin(n, 'q'), lin(n, 'k'), false, true), Math.sqrt(32))) as tf.Tensor2D;
      return tf.reshape(tf.add(flat, lin(tf.matMul(w, lin(n, 'v')) as tf.Tensor2D, 'proj_out')), [1, 2, 2, 32]);
    });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))));
    expect((await diff.data())[0]).toBeLessThan(1e-5);
    tf.dispose([x, got, want, diff]);
    store.dispose();
  });
});
