import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { randomGrids, tinyTransformer } from '../testing/tiny';
import { conditionPrefix, gridsToSequences } from '../sequence/layout';

function sequence(model: ReturnType<typeof tinyTransformer>, seed: number): Int32Array {
  const image = gridsToSequences(model.layout, randomGrids(1, seed));
  return Int32Array.from([...conditionPrefix(model.layout, { kind: 'none' }), ...image]);
}

describe('TokenTransformer', () => {
  it('is causal: changing the token at t never changes the outputs before t', () => {
    const model = tinyTransformer();
    const before = tf.memory().numTensors;
    const T = model.config.blockSize;
    const hidden = (ids: Int32Array): number[][] => tf.tidy(() => model.forward(tf.tensor2d(ids, [1, T], 'int32')).arraySync()[0]);
    const a = sequence(model, 1).slice(0, T);
    for (const t of [1, 7, T - 1]) {
      const b = a.slice();
      b[t] = (b[t] + 3) % model.layout.words;
      const [ha, hb] = [hidden(a), hidden(b)];
      for (let i = 0; i < t; i++) expect(hb[i]).toEqual(ha[i]);
      // ...and does change them from t on (the test can fail).
      expect(hb[t]).not.toEqual(ha[t]);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('gives the same hidden states with the key/value cache as in one full pass', () => {
    const model = tinyTransformer({ kind: 'class', classes: 3 }, 2);
    const T = model.config.blockSize;
    const ids = Int32Array.from([model.layout.firstClass + 1, ...gridsToSequences(model.layout, randomGrids(2, 5)).slice(0, T - 1)]);
    const ids2 = Int32Array.from([model.layout.firstClass + 2, ...gridsToSequences(model.layout, randomGrids(2, 6)).slice(0, T - 1)]);
    const both = Int32Array.from([...ids, ...ids2]);
    const full = tf.tidy(() => model.forward(tf.tensor2d(both, [2, T], 'int32')).arraySync());
    const before = tf.memory().numTensors;
    const cache = model.createCache();
    for (let t = 0; t < T; t++) {
      const rows = tf.tidy(() => model.step(tf.tensor2d([both[t], both[T + t]], [2, 1], 'int32'), cache).arraySync());
      for (let r = 0; r < 2; r++) for (let c = 0; c < 16; c++) expect(rows[r][c]).toBeCloseTo(full[r][t][c], 5);
    }
    expect(cache.length).toBe(T);
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects ids past the block size and the wrong dtype', () => {
    const model = tinyTransformer();
    const T = model.config.blockSize;
    expect(() => model.forward(tf.zeros([1, T + 1], 'int32') as tf.Tensor2D)).toThrow(/block size/);
    expect(() => model.forward(tf.zeros([1, 2]) as tf.Tensor2D)).toThrow(/int32/);
    model.dispose();
  });
});
