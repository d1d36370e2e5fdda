import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { ParamStore } from './param-store';

describe('ParamStore expected shapes', () => {
  it('refuses a parameter the weights do not have, or of another shape, before allocating it', () => {
    const before = tf.memory().numTensors;
    const store = new ParamStore(0, { shapes: { a: [2, 3] }, file: 'last.json' });
    store.create('a', [2, 3], { kind: 'constant', value: 0 });
    expect(() => store.create('b', [4], { kind: 'constant', value: 0 })).toThrow(CheckpointError);
    expect(() => store.create('b', [4], { kind: 'constant', value: 0 })).toThrow(/last\.json: the model config does not match the weights: "b" would be \[4\], the weights have no such tensor/);
    const big = new ParamStore(0, { shapes: { a: [2, 3] } });
    expect(() => big.create('a', [200000, 300000], { kind: 'constant', value: 0 })).toThrow(/would be \[200000, 300000\], the weights have \[2, 3\]/);
    store.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
