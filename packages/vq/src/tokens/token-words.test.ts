import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tokenWords } from './token-words';

const prior = { words: ['yellow', 'small', 'red', 'bird', 'tree'], kAdj: 3, kNoun: 2 };

describe('tokenWords', () => {
  it('renders k adjectives and the noun (offset by kAdj) per position', () => {
    const before = tf.memory().numTensors;
    const t = tf.tensor4d([0, 1, 0, 2, 2, 1], [1, 1, 2, 3], 'int32');
    expect(tokenWords(t, prior)).toEqual([[['yellow, small / bird', 'red, red / tree']]]);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tokenWords([[[[1]]]], { words: ['cat', 'dog'], kAdj: 0, kNoun: 2 })).toEqual([[['dog']]]);
  });

  it('rejects out-of-range tokens and a mismatched prior', () => {
    expect(() => tokenWords([[[[0, 1, 2]]]], prior)).toThrow(/noun token 2 is out of range; expected 0..1/);
    expect(() => tokenWords([[[[3, 0, 0]]]], prior)).toThrow(/adjective token 3 is out of range; expected 0..2/);
    expect(() => tokenWords([[[[0, 0, 0]]]], { ...prior, kNoun: 3 })).toThrow(/the prior has 5 words but kAdj \+ kNoun = 6/);
  });
});
