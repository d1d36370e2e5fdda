import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveVqModelConfig } from '../config/resolve-config';
import { ParamStore } from '../model/param-store';
import { EmaVectorQuantizer } from './ema-vector-quantizer';
import { VectorQuantizer } from './vector-quantizer';

const single = (quantizer: 'vq' | 'ema') =>
  resolveVqModelConfig({ preset: 'tiny', quantizer, kAdj: 0, kNoun: 2, codeDim: 2, emaDecay: 0.5, emaEpsilon: 1e-5 });

describe('baseline quantizers', () => {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('EmaVectorQuantizer: commitment-only loss and a hand-computed EMA update', async () => {
    const store = new ParamStore(0);
    const q = new EmaVectorQuantizer(single('ema'), store);
    tf.tidy(() => {
      q.embedding.assign(tf.tensor2d([[0, 0], [10, 10]]));
      q.embedAvg.assign(tf.tensor2d([[0, 0], [10, 10]]));
    });
    const z = tf.tensor4d([1, 1, 2, 0, 9, 9], [1, 1, 3, 2]);
    const loss = tf.tidy(() => q.quantize(z, { training: true }).loss);
    // q = (0,0), (0,0), (10,10): squared errors 1+1+4+0+1+1 over 6 values, weight 1 ('authors')
    expect((await loss.data())[0]).toBeCloseTo(8 / 6, 6);
    q.afterStep();
    // counts [2, 1] -> cluster sizes 0.5 * [2, 1]; sums [[3,1],[9,9]] -> avg 0.5*old + 0.5*sums
    const cs = Array.from(await q.clusterSize.data());
    expect(cs[0]).toBeCloseTo(1, 6);
    expect(cs[1]).toBeCloseTo(0.5, 6);
    const emb = (await q.embedding.array()) as number[][];
    [[1.5, 0.5], [19, 19]].forEach((row, i) => row.forEach((v, j) => expect(emb[i][j]).toBeCloseTo(v, 3)));
    expect(q.trainableVariables()).toEqual([]);
    expect(Object.keys(q.namedWeights())).toEqual(['quantize.embedding', 'quantize.cluster_size', 'quantize.embed_avg']);
    tf.dispose([z, loss]);
    q.dispose();
    store.dispose();
  });

  it('EmaVectorQuantizer.afterStep(sum): two workers\' statistics summed = the EMA update of their joint batch', async () => {
    const setUp = () => {
      const store = new ParamStore(0);
      const q = new EmaVectorQuantizer(single('ema'), store);
      tf.tidy(() => {
        q.embedding.assign(tf.tensor2d([[0, 0], [10, 10]]));
        q.embedAvg.assign(tf.tensor2d([[0, 0], [10, 10]]));
      });
      return { q, store };
    };
    const a = tf.tensor4d([1, 1, 2, 0, 9, 9], [1, 1, 3, 2]);
    const b = tf.tensor4d([0, 1, 8, 8, 11, 10], [1, 1, 3, 2]);
    // One process, batch [a; b].
    const big = setUp();
    const ab = tf.concat([a, b], 0);
    tf.dispose(tf.tidy(() => big.q.quantize(ab as tf.Tensor4D, { training: true }).loss));
    big.q.afterStep();
    // "Rank 0" saw a; its sum adds what "rank 1" computed on b (recorded the same way first).
    const other = setUp();
    tf.dispose(tf.tidy(() => other.q.quantize(b, { training: true }).loss));
    let fromOther: tf.NamedTensorMap = {};
    other.q.afterStep((stats) => {
      fromOther = tf.tidy(() => Object.fromEntries(Object.entries(stats).map(([k, t]) => [k, tf.keep(tf.clone(t))])));
      return stats;
    });
    const rank0 = setUp();
    tf.dispose(tf.tidy(() => rank0.q.quantize(a, { training: true }).loss));
    rank0.q.afterStep((stats) => Object.fromEntries(Object.entries(stats).map(([k, t]) => [k, tf.add(t, fromOther[k])])));
    for (const k of ['embedding', 'clusterSize', 'embedAvg'] as const) {
      const want = Array.from(await big.q[k].data());
      Array.from(await rank0.q[k].data()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    }
    tf.dispose([a, b, ab, ...Object.values(fromOther)]);
    for (const { q, store } of [big, other, rank0]) {
      q.dispose();
      store.dispose();
    }
  });

  it('VectorQuantizer: the codebook term trains only the picked codes', async () => {
    const store = new ParamStore(0);
    const q = new VectorQuantizer(single('vq'), store);
    tf.tidy(() => q.embedding.assign(tf.tensor2d([[0, 0], [10, 10]])));
    const z = tf.tensor4d([1, 1, 2, 0], [1, 1, 2, 2]);
    const { value, grads } = tf.variableGrads(() => q.quantize(z, { training: true }).loss, q.trainableVariables());
    // both pick code 0; d/dC0 of 0.25 * mean((C0 - z)^2) over 4 values = 0.25 * 2/4 * sum(C0 - z_n)
    expect(await grads[q.embedding.name].array()).toEqual([[0.25 * 0.5 * -3, 0.25 * 0.5 * -1], [0, 0]]);
    expect((await value.data())[0]).toBeCloseTo(1.25 * (6 / 4), 6);
    tf.dispose([z, value, grads as unknown as tf.TensorContainer]);
    store.dispose();
  });
});
