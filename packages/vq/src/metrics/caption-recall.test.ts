import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { CaptionRecall, chanceOfHit } from './caption-recall';
import { captionLexicon, captionWords } from './caption-words';
import { evaluateTokenizer } from './evaluate';

/** One image of 4 positions with k = 2 adjective slots: [a, a, noun] per position. */
function image(adj: number[], nouns: number[]): Int32Array {
  return Int32Array.from(nouns.flatMap((n, i) => [adj[(2 * i) % adj.length], adj[(2 * i + 1) % adj.length], n]));
}

describe('caption recall', () => {
  it('a hand-built case: hits, ties to the lower code, ineligible images and the exact chance', () => {
    const r = new CaptionRecall(4, 6);
    r.add(image([0], [2, 2, 2, 5]), 3, { adjectives: [0], nouns: [5] }); // noun: top1 {2} miss, top5 {2,5} hit
    r.add(image([1, 2], [1, 1, 3, 3]), 3, { adjectives: [3], nouns: [3] }); // tie: top1 {1} miss, top5 hit; adj miss
    r.add(image([3], [4, 4, 4, 4]), 3, { adjectives: [], nouns: [0] }); // noun miss; no adjective: ineligible there
    r.add(image([2], [0, 0, 0, 1]), 3, { adjectives: [2], nouns: [0, 4] }); // noun hit at 1
    r.add(image([0], [1, 1, 1, 1]), 3, { adjectives: [], nouns: [] }); // no caption word at all
    const { noun, adjective } = r.result();
    expect(noun.images).toBe(4);
    expect(noun.seen).toBe(5);
    expect(noun.at.map((a) => a.recall)).toEqual([1 / 4, 3 / 4]);
    expect(adjective.images).toBe(3);
    expect(adjective.at.map((a) => a.recall)).toEqual([2 / 3, 2 / 3]);
    // Chance per image: s caption words, t codes in the top n, K = 6 nouns.
    const c1 = (1 / 6 + 1 / 6 + 1 / 6 + 2 / 6) / 4;
    const c5 = (chanceOfHit(6, 1, 2) + chanceOfHit(6, 1, 2) + 1 / 6 + chanceOfHit(6, 2, 2)) / 4;
    expect(noun.at[0].chance).toBeCloseTo(c1, 12);
    expect(noun.at[1].chance).toBeCloseTo(c5, 12);
    // The image-blind guess: caption nouns by image count 0:2, then 3, 4, 5 once each (ties to the lower id).
    expect(noun.at.map((a) => a.frequent)).toEqual([2 / 4, 1]);
    // Beyond that guess: at n = 1 the guess is {0}; images 1, 2 and 4 (word 4) keep words; hits at 1: none.
    expect(noun.at[0].distinct).toMatchObject({ images: 3, recall: 0 });
    expect(noun.at[0].distinct.chance).toBeCloseTo(3 / 6 / 3, 12);
    expect(noun.at[1].distinct.images).toBe(0); // the n = 5 guess names every caption noun here
    expect(chanceOfHit(6, 1, 2)).toBeCloseTo(1 - 10 / 15, 12);
    expect(chanceOfHit(6, 2, 2)).toBeCloseTo(1 - 6 / 15, 12);
    expect(() => r.add(image([0], [6, 0, 0, 0]), 3, { adjectives: [], nouns: [0] })).toThrow(/noun token 6 is outside \[0, 6\)/);
  });

  it('chance for a uniform histogram is n/K, and seeded shuffles of the words agree with the exact figure', () => {
    const k = 20;
    const r = new CaptionRecall(1, k, [1, 5]);
    const rng = new Rng(7);
    const images: Array<{ nouns: number[]; caption: number }> = [];
    for (let i = 0; i < 40; i++) {
      // Every code once (uniform), in a shuffled order so that ties are not in index order.
      const nouns = rng.shuffle(Array.from({ length: k }, (_, j) => j));
      const caption = rng.nextUint32() % k;
      images.push({ nouns, caption });
      r.add(Int32Array.from(nouns.flatMap((n) => [0, n])), 2, { adjectives: [], nouns: [caption] });
    }
    const exact = r.result().noun.at;
    expect(exact[0].chance).toBeCloseTo(1 / k, 12);
    expect(exact[1].chance).toBeCloseTo(5 / k, 12);
    // Monte Carlo: permute which word each code carries, measure recall, average.
    let hits5 = 0;
    const shuffles = 2000;
    for (let s = 0; s < shuffles; s++) {
      const perm = rng.shuffle(Array.from({ length: k }, (_, j) => j));
      for (const im of images) if ([0, 1, 2, 3, 4].some((c) => perm[c] === im.caption)) hits5 += 1;
    }
    expect(hits5 / (shuffles * images.length)).toBeCloseTo(5 / k, 2);
  });

  it('caption words are tagged and lemmatized as the prior does', () => {
    const lex = captionLexicon({ words: ['red', 'smiling', 'apple', 'face', 'eye'], kAdj: 2, kNoun: 3 });
    expect(captionWords('red apple', lex)).toEqual({ adjectives: [0], nouns: [0] });
    expect(captionWords('smiling face with smiling eyes', lex)).toEqual({ adjectives: [1], nouns: [1, 2] });
    expect(captionWords('a rocket', lex)).toEqual({ adjectives: [], nouns: [] });
  });

  it('evaluateTokenizer reports recall for captioned batches and frees what it made', async () => {
    const before = tf.memory().numTensors;
    // A stand-in tokenizer whose noun at every position is the image's first pixel value (0..3).
    const model = {
      forward(x: tf.Tensor4D) {
        return tf.tidy(() => {
          const code = tf.cast(tf.slice(x, [0, 0, 0, 0], [-1, 1, 1, 1]), 'int32');
          const nouns = tf.tile(code, [1, 2, 2, 1]);
          return { reconstruction: tf.clone(x), quantLoss: tf.scalar(0), tokens: tf.concat([tf.zerosLike(nouns), tf.zerosLike(nouns), nouns], 3) };
        });
      },
    };
    const vocabulary = { words: ['red', 'apple', 'face', 'eye', 'star'], kAdj: 1, kNoun: 4 };
    async function* batches() {
      yield { images: tf.fill([2, 4, 4, 1], 0) as tf.Tensor4D, captions: ['red apple', 'grinning face'] }; // hit, miss
      yield { images: tf.fill([1, 4, 4, 1], 3) as tf.Tensor4D, captions: ['glowing star'] }; // hit
    }
    const r = await evaluateTokenizer(model, batches(), { kAdj: 1, kNoun: 4, vocabulary });
    expect(r.captionRecall?.noun.images).toBe(3);
    expect(r.captionRecall?.noun.at[0].recall).toBeCloseTo(2 / 3, 12);
    expect(r.captionRecall?.noun.at[0].chance).toBeCloseTo(1 / 4, 12);
    expect(r.captionRecall?.adjective.images).toBe(1);
    expect(r.captionRecall?.adjective.at[0].recall).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
