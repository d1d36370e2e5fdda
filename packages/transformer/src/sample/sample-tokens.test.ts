import * as tf from '@tensorflow/tfjs-core';
import { createVqModel, positionWords, resolveVqModelConfig, VariableCodebookSource } from '@vqct/vq';
import { describe, expect, it } from 'vitest';
import { randomGrids, TINY_TOKENS, tinyTransformer } from '../testing/tiny';
import { drawGrids as draw } from '../testing/draw';
import { sampleTokens } from './sample-tokens';

const vocabulary = {
  kAdj: TINY_TOKENS.kAdj,
  kNoun: TINY_TOKENS.kNoun,
  words: [...Array.from({ length: TINY_TOKENS.kAdj }, (_, i) => `adj${i}`), ...Array.from({ length: TINY_TOKENS.kNoun }, (_, i) => `noun${i}`)],
};

describe('sampleTokens', () => {
  it('is reproducible with a seed, differs across seeds, and the cache does not change the draw', async () => {
    const model = tinyTransformer({ kind: 'class', classes: 4 }, 3);
    const o = { count: 3, condition: { kind: 'class' as const, label: 2 }, seed: 11, temperature: 1.5 };
    const a = await draw(model, o);
    expect(await draw(model, o)).toEqual(a);
    expect(await draw(model, { ...o, cache: false })).toEqual(a);
    expect(await draw(model, { ...o, seed: 12 })).not.toEqual(a);
    model.dispose();
  });

  it('draws grids that VqModel.decodeTokens and the words accept, for every condition kind', async () => {
    const config = resolveVqModelConfig({ preset: 'tiny', topK: TINY_TOKENS.adjectives });
    const values = tf.randomNormal([TINY_TOKENS.kAdj + TINY_TOKENS.kNoun, config.codeDim], 0, 1, 'float32', 1);
    const source = new VariableCodebookSource(TINY_TOKENS.kAdj, TINY_TOKENS.kNoun, values as tf.Tensor2D);
    const vq = createVqModel(config, { codebook: source, seed: 1 });
    for (const [spec, condition] of [
      [{ kind: 'none' }, { kind: 'none' }],
      [{ kind: 'class', classes: 3 }, { kind: 'class', label: 1 }],
      [{ kind: 'words', length: 3 }, { kind: 'words', ids: [2, 6 + 4] as number[] }],
    ] as const) {
      const model = tinyTransformer(spec, 5);
      const tokens = await sampleTokens(model, { count: 4, condition, seed: 1, topK: 3, topP: 0.9 });
      expect(tokens.shape).toEqual([4, 2, 3, 3]);
      const images = vq.decodeTokens(tokens);
      expect(images.shape).toEqual([4, 8, 12, 3]);
      expect(Array.from(await images.data()).every(Number.isFinite)).toBe(true);
      for (const image of (await tokens.array()) as number[][][][]) for (const row of image) for (const ids of row) expect(() => positionWords(ids, vocabulary)).not.toThrow();
      tf.dispose([tokens, images]);
      model.dispose();
    }
    vq.dispose();
    source.dispose();
    values.dispose();
  });

  it('keeps the given positions (partial sampling) and samples the others', async () => {
    const model = tinyTransformer({ kind: 'none' }, 4);
    const fixed = randomGrids(1, 9);
    const positions = [true, false, true, true, false, true];
    const out = await draw(model, { count: 2, seed: 3, keep: { tokens: fixed, positions } });
    const k1 = TINY_TOKENS.adjectives + 1;
    let changed = 0;
    for (const image of out) {
      image.flat().forEach((ids, p) => {
        const given = Array.from(fixed.subarray(p * k1, (p + 1) * k1));
        if (positions[p]) expect(ids).toEqual(given);
        else if (ids.join() !== given.join()) changed += 1;
      });
    }
    expect(changed).toBeGreaterThan(0);
    // Without the cache, the same draw.
    expect(await draw(model, { count: 2, seed: 3, keep: { tokens: fixed, positions }, cache: false })).toEqual(out);
    model.dispose();
  });

  it('reports each position as it completes, with the grids so far (what a page shows filling in)', async () => {
    const model = tinyTransformer({ kind: 'none' }, 6);
    const seen: Array<{ position: number; grids: Int32Array }> = [];
    const final = await draw(model, { count: 2, seed: 5, onPosition: (position, grids) => seen.push({ position, grids }) });
    const hw = 2 * 3;
    const k1 = TINY_TOKENS.adjectives + 1;
    expect(seen.map((s) => s.position)).toEqual(Array.from({ length: hw }, (_, p) => p));
    const flat = final.flat(3);
    for (const { position, grids } of seen) {
      expect(grids.length).toBe(2 * hw * k1);
      // Every position up to this one already holds its final tokens, in both samples.
      for (let i = 0; i < 2; i++) {
        const upTo = (position + 1) * k1;
        expect(Array.from(grids.subarray(i * hw * k1, i * hw * k1 + upTo))).toEqual(flat.slice(i * hw * k1, i * hw * k1 + upTo));
      }
    }
    model.dispose();
  });

  it('top-k 1 is greedy, and temperature 0 too', async () => {
    const model = tinyTransformer({ kind: 'none' }, 6);
    const greedy = await draw(model, { count: 2, temperature: 0, seed: 1 });
    expect(await draw(model, { count: 2, topK: 1, seed: 99 })).toEqual(greedy);
    model.dispose();
  });

  it('leaks no tensor over many samples, and rejects bad options', async () => {
    const model = tinyTransformer({ kind: 'class', classes: 2 }, 7);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) (await sampleTokens(model, { count: 2, condition: { kind: 'class', label: i % 2 }, seed: i, topP: 0.8, cache: i % 2 === 0 })).dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(sampleTokens(model, { count: 1, condition: { kind: 'class', label: 5 } })).rejects.toThrow(/out of range/);
    await expect(sampleTokens(model, { count: 1 })).rejects.toThrow(/conditioned on a class/);
    await expect(sampleTokens(model, { count: 1, condition: { kind: 'class', label: 0 }, topP: 0 })).rejects.toThrow(/topP/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
