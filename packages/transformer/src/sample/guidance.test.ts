import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BatchLoader, Trainer } from '@vqct/vq';
import { randomGrids, TINY_TOKENS, tinyTransformer } from '../testing/tiny';
import { drawGrids as draw } from '../testing/draw';
import { TokenSequenceDataset } from '../train/token-sequence-dataset';
import { createTransformerStep } from '../train/transformer-step';
import { guidedLogits } from './guidance';
import { sampleTokens } from './sample-tokens';

describe('classifier-free guidance', () => {
  it('mixes conditioned and unconditioned rows as u + s (c - u)', () => {
    // 2 samples x 3 logits, then their 2 unconditioned twins.
    const logits = [1, 2, 3, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    expect(Array.from(guidedLogits(logits, 2, 3, 1))).toEqual([1, 2, 3, 0, 0, 0]);
    expect(Array.from(guidedLogits(logits, 2, 3, 0))).toEqual([0, 1, 1, 1, 1, 1]);
    expect(Array.from(guidedLogits(logits, 2, 3, 2))).toEqual([2, 3, 5, -1, -1, -1]);
  });

  it('guidance 0 samples the blank prompt, whatever the prompt; the cache does not change a guided draw', async () => {
    const model = tinyTransformer({ kind: 'words', length: 3 }, 6);
    const before = tf.memory().numTensors;
    const blank = await draw(model, { count: 3, condition: { kind: 'words', ids: [] }, seed: 4 });
    expect(await draw(model, { count: 3, condition: { kind: 'words', ids: [1, 9] }, seed: 4, guidance: 0 })).toEqual(blank);
    const guided = { count: 3, condition: { kind: 'words' as const, ids: [1, 9] }, seed: 4, guidance: 3 };
    const a = await draw(model, guided);
    expect(await draw(model, { ...guided, cache: false })).toEqual(a);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 60_000);

  it('keeps inpainted positions under guidance, and refuses guidance without a condition', async () => {
    const model = tinyTransformer({ kind: 'class', classes: 3 }, 2);
    const fixed = randomGrids(1, 5);
    const positions = [false, true, false, false, true, true];
    const out = await draw(model, { count: 2, condition: { kind: 'class', label: 1 }, seed: 1, guidance: 2.5, keep: { tokens: fixed, positions } });
    const k1 = 3;
    for (const image of out) {
      image.flat().forEach((ids, p) => {
        if (positions[p]) expect(ids).toEqual(Array.from(fixed.subarray(p * k1, (p + 1) * k1)));
      });
    }
    // Guidance 0 ignores the class.
    const zero = await draw(model, { count: 2, condition: { kind: 'class', label: 0 }, seed: 8, guidance: 0 });
    expect(await draw(model, { count: 2, condition: { kind: 'class', label: 2 }, seed: 8, guidance: 0 })).toEqual(zero);
    model.dispose();
    const none = tinyTransformer({ kind: 'none' }, 2);
    await expect(sampleTokens(none, { count: 1, guidance: 2 })).rejects.toThrow(/conditioned on nothing/);
    none.dispose();
  }, 60_000);

  it('pulls the draw toward the class: trained with condition dropout, more first nouns follow the class at guidance 3 than at 1, fewer at 0', async () => {
    // Class c's images start with noun c 60% of the time, else a random noun. The
    // first noun has no context but the prefix, so guidance acts on it alone.
    const model = tinyTransformer({ kind: 'class', classes: 2 }, 3);
    const grids = randomGrids(64, 7);
    const k1 = TINY_TOKENS.adjectives + 1;
    const per = grids.length / 64;
    for (let i = 0; i < 64; i++) if ((i * 7) % 10 < 6) grids[i * per + k1 - 1] = i % 2;
    const data = TokenSequenceDataset.fromGrids(model.layout, grids, (i) => ({ kind: 'class', label: i % 2 }));
    const step = createTransformerStep({ model, learningRate: 1e-2, conditionDropout: 0.3 });
    await new Trainer(step, new BatchLoader(data, { batchSize: 16, seed: 1 }), { steps: 120, seed: 1, checkpointEvery: 0, sampleEvery: 0, sampleCount: 0 }).run();
    step.dispose();
    const share = async (guidance: number): Promise<number> => {
      let hits = 0;
      let total = 0;
      for (const label of [0, 1]) {
        const grid = await draw(model, { count: 64, condition: { kind: 'class', label }, seed: 2, guidance });
        for (const image of grid) {
          hits += image[0][0][k1 - 1] === label ? 1 : 0;
          total++;
        }
      }
      return hits / total;
    };
    const [g0, g1, g3] = [await share(0), await share(1), await share(3)];
    expect(g1).toBeGreaterThan(0.4);
    expect(g3).toBeGreaterThan(g1 + 0.1);
    expect(g0).toBeLessThan(g1 - 0.1);
    model.dispose();
  }, 120_000);
});
