import * as tf from '@tensorflow/tfjs-core';
import { BatchLoader, Trainer } from '@vqct/vq';
import { describe, expect, it } from 'vitest';
import { conditionPrefix, unconditionalPrefix } from '../sequence/layout';
import { randomGrids, tinyTransformer } from '../testing/tiny';
import { dropConditions, droppedRows } from './condition-dropout';
import { TokenSequenceDataset } from './token-sequence-dataset';
import { createTransformerStep } from './transformer-step';

describe('condition dropout', () => {
  it('replaces the prefix of the seeded rows with the unconditional prefix and leaves the image tokens', () => {
    const model = tinyTransformer({ kind: 'words', length: 3 }, 1);
    const { layout } = model;
    const P = layout.prefixLength;
    const data = TokenSequenceDataset.fromGrids(layout, randomGrids(12, 2), (i) => ({ kind: 'words', ids: [i % 6, 6 + (i % 8)] }));
    const S = data.width;
    const ids = tf.tensor2d(Int32Array.from(data.sequences), [12, S], 'int32');
    const before = tf.memory().numTensors;
    const out = dropConditions(ids, layout, 0.5, 9);
    const got = out.arraySync();
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const drop = droppedRows(12, 0.5, 9);
    expect(drop.some((d) => d) && drop.some((d) => !d)).toBe(true);
    const rows = ids.arraySync();
    for (let i = 0; i < 12; i++) {
      expect(got[i].slice(P)).toEqual(rows[i].slice(P));
      expect(got[i].slice(0, P)).toEqual(drop[i] ? Array.from(unconditionalPrefix(layout)) : rows[i].slice(0, P));
    }
    // withoutCondition: every prefix blank, the image tokens kept.
    const blank = data.withoutCondition();
    for (let i = 0; i < 12; i++) {
      expect(Array.from(blank.sequences.subarray(i * S, i * S + P))).toEqual(Array.from(unconditionalPrefix(layout)));
      expect(Array.from(blank.sequences.subarray(i * S + P, (i + 1) * S))).toEqual(rows[i].slice(P));
    }
    // The blank prompt of a words layout is the unconditional prefix.
    expect(Array.from(unconditionalPrefix(layout))).toEqual(Array.from(conditionPrefix(layout, { kind: 'words', ids: [] })));
    // Rate 0 and the none layout leave everything.
    const same = dropConditions(ids, layout, 0, 9);
    expect(same.arraySync()).toEqual(rows);
    tf.dispose([ids, same]);
    model.dispose();
  });

  it('drops each row with the given probability, the same rows for the same seed', () => {
    const a = droppedRows(4000, 0.2, 3);
    expect(droppedRows(4000, 0.2, 3)).toEqual(a);
    expect(droppedRows(4000, 0.2, 4)).not.toEqual(a);
    const share = a.filter((d) => d).length / a.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
  });

  it('trains the unconditional prefix only when the step drops conditions', async () => {
    const bosRow = async (rate: number): Promise<{ moved: number; leaked: number }> => {
      const model = tinyTransformer({ kind: 'class', classes: 2 }, 1);
      const data = TokenSequenceDataset.fromGrids(model.layout, randomGrids(8, 3), (i) => ({ kind: 'class', label: i % 2 }));
      const wte = model.namedWeights().wte;
      const bos = model.layout.bos;
      const row0 = Array.from(tf.tidy(() => tf.slice(wte, [bos, 0], [1, -1])).dataSync());
      const before = tf.memory().numTensors;
      const step = createTransformerStep({ model, learningRate: 1e-2, conditionDropout: rate });
      await new Trainer(step, new BatchLoader(data, { batchSize: 8, seed: 1 }), { steps: 3, seed: 1, checkpointEvery: 0, sampleEvery: 0, sampleCount: 0 }).run();
      step.dispose();
      const leaked = tf.memory().numTensors - before;
      const row1 = Array.from(tf.tidy(() => tf.slice(wte, [bos, 0], [1, -1])).dataSync());
      model.dispose();
      return { moved: row1.reduce((m, v, i) => Math.max(m, Math.abs(v - row0[i])), 0), leaked };
    };
    const off = await bosRow(0);
    const on = await bosRow(0.5);
    expect(off.leaked).toBe(0);
    expect(on.leaked).toBe(0);
    expect(off.moved).toBe(0); // a class layout never reads BOS without dropout
    expect(on.moved).toBeGreaterThan(1e-3);
    const model = tinyTransformer();
    const before = tf.memory().numTensors;
    expect(() => createTransformerStep({ model, learningRate: 1e-2, conditionDropout: 1 })).toThrow(/conditionDropout/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 60_000);
});
