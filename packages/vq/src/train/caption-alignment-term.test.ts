import * as tf from '@tensorflow/tfjs-core';
// Tests may use @vqct/transfer-net (devDependency); src never does.
import { createTransferNet } from '@vqct/transfer-net';
import { describe, expect, it } from 'vitest';
import { ArrayImageDataset } from '../data/array-dataset';
import { BatchLoader } from '../data/batch-loader';
import { CaptionRecall } from '../metrics/caption-recall';
import { captionLexicon, captionWords } from '../metrics/caption-words';
import { nearestCodes } from '../quantizer/nearest-codes';
import { createCaptionAlignmentTerm } from './caption-alignment-term';
import { createToyTokenizer } from './testing/toy-tokenizer';
import { createVqganStep } from './vqgan-step';

const words = ['red', 'blue', 'apple', 'star', 'cloud', 'face', 'tree', 'fish'];
const kAdj = 2;
const kNoun = 6;
const captions = ['red apple', 'blue star', 'red apple', 'blue star'];

function prior() {
  const dim = 8;
  return {
    kAdj, kNoun, dim, words,
    vectors: new Float32Array((kAdj + kNoun) * dim).map((_, i) => Math.sin(i * 12.9898) * 0.5),
    edgeIndex: Int32Array.from([0, 2, 1, 3]),
    edgeWeight: new Float32Array([1, 1]),
  };
}

/** 4 images of 8x8: red, blue, red, blue (slightly different shades). */
function dataset(): ArrayImageDataset {
  const px = new Float32Array(4 * 8 * 8 * 3);
  for (let i = 0; i < 4; i++) {
    const rgb = i % 2 === 0 ? [0.9, -0.8, -0.8] : [-0.8, -0.6, 0.9];
    for (let p = 0; p < 64; p++) for (let c = 0; c < 3; c++) px[(i * 64 + p) * 3 + c] = rgb[c] + 0.02 * i;
  }
  return new ArrayImageDataset(px, { count: 4, height: 8, width: 8, channels: 3, name: 'red-blue' });
}

/** Noun recall@1 of the nearest noun codes of the toy's latent (channels 2..3 are its noun half). */
async function nounRecall(model: ReturnType<typeof createToyTokenizer>, codebook: tf.Tensor2D, images: Float32Array[]): Promise<number> {
  const lex = captionLexicon({ words, kAdj, kNoun });
  const r = new CaptionRecall(kAdj, kNoun, [1]);
  for (let i = 0; i < images.length; i++) {
    const ids = tf.tidy(() => {
      const x = tf.tensor4d(images[i], [1, 8, 8, 3]);
      const z = model.forward(x, { training: false, latent: true }).latent as tf.Tensor4D;
      const nounZ = tf.reshape(tf.slice(z, [0, 0, 0, 2], [-1, -1, -1, 2]), [-1, 2]) as tf.Tensor2D;
      return nearestCodes(nounZ, tf.slice(codebook, [kAdj, 0], [kNoun, 2]), 1, 1 << 20);
    });
    r.add(await ids.data(), 1, captionWords(captions[i], lex));
    ids.dispose();
  }
  return r.result().noun.at[0].recall;
}

describe('caption alignment as a training term', () => {
  it('pulls each image to its caption noun, reports align, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const net = createTransferNet(prior(), { hiddenDim: 16, codeDim: 2, seed: 3, dropout: 0 });
    const model = createToyTokenizer(3, 5);
    const ds = dataset();
    const images = await Promise.all([0, 1, 2, 3].map(async (i) => (await ds.get(i)) as Float32Array));
    const align = createCaptionAlignmentTerm({ codebook: net, vocabulary: { words, kAdj, kNoun }, captionOf: (i) => captions[i], alignment: { weight: 1 } });
    const step = createVqganStep({ model, codebook: net, learningRate: 2e-2, auxiliary: align });
    const loader = new BatchLoader(ds, { batchSize: 4, seed: 1 });
    const aligns: number[] = [];
    for (let s = 0; s < 60; s++) {
      const batch = await loader.next();
      const report = step.run(batch, s, s + 1);
      batch.dispose();
      aligns.push(report.losses.align);
      expect(report.losses.total).toBeCloseTo(report.losses.rec + report.losses.codebook + report.losses.align, 4);
    }
    expect(aligns[aligns.length - 1]).toBeLessThan(aligns[0] / 4);
    const recall = await nounRecall(model, net.inferenceCodebook(), images);
    expect(recall).toBe(1);
    // Batches that no BatchLoader made have no captions to look up.
    const stray = tf.zeros([4, 8, 8, 3]) as tf.Tensor4D;
    expect(() => step.run(stray, 60, 61)).toThrow(/BatchLoader over a captioned dataset/);
    stray.dispose();
    step.dispose();
    model.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts from its start step on: not computed, reported or trained before', async () => {
    const before = tf.memory().numTensors;
    const net = createTransferNet(prior(), { hiddenDim: 16, codeDim: 2, seed: 3, dropout: 0 });
    const model = createToyTokenizer(3, 5);
    const align = createCaptionAlignmentTerm({ codebook: net, vocabulary: { words, kAdj, kNoun }, captionOf: (i) => captions[i], alignment: { weight: 1, start: 2 } });
    expect(align.startStep).toBe(2);
    const step = createVqganStep({ model, codebook: net, learningRate: 2e-2, auxiliary: align });
    const loader = new BatchLoader(dataset(), { batchSize: 4, seed: 1 });
    for (let s = 0; s < 4; s++) {
      const batch = await loader.next();
      const report = step.run(batch, s, s + 1);
      batch.dispose();
      if (s < 2) {
        expect(report.losses.align).toBeUndefined();
        expect(report.losses.total).toBeCloseTo(report.losses.rec + report.losses.codebook, 5);
      } else {
        expect(report.losses.align).toBeGreaterThan(0);
        expect(report.losses.total).toBeCloseTo(report.losses.rec + report.losses.codebook + report.losses.align, 4);
      }
    }
    expect(() => createCaptionAlignmentTerm({ codebook: net, vocabulary: { words, kAdj, kNoun }, captionOf: (i) => captions[i], alignment: { weight: 1, start: -1 } })).toThrow(/start/);
    step.dispose();
    model.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('adds the code-usage part by its own weight and reports it as alignUsage', async () => {
    const before = tf.memory().numTensors;
    const net = createTransferNet(prior(), { hiddenDim: 16, codeDim: 2, seed: 3, dropout: 0 });
    const loader = new BatchLoader(dataset(), { batchSize: 4, seed: 1 });
    const batch = await loader.next();
    const latent = tf.randomNormal([4, 2, 2, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
    const term = (alignment: { weight: number; usageWeight?: number }) => createCaptionAlignmentTerm({ codebook: net, vocabulary: { words, kAdj, kNoun }, captionOf: (i) => captions[i], alignment });
    const read = (t: ReturnType<typeof term>) => {
      t.prepare?.(batch);
      const r = t.loss(batch, latent, 5);
      const out = { total: r.total.dataSync()[0], parts: Object.fromEntries(Object.entries(r.parts).map(([k, v]) => [k, v.dataSync()[0]])) };
      tf.dispose([r.total, ...Object.values(r.parts)]);
      return out;
    };
    const plain = read(term({ weight: 0.5 }));
    const used = read(term({ weight: 0.5, usageWeight: 2 }));
    expect(plain.parts.alignUsage).toBeUndefined();
    expect(used.parts.alignUsage).toBeGreaterThan(0);
    expect(used.total).toBeCloseTo(plain.total + 2 * used.parts.alignUsage, 5);
    tf.dispose([batch, latent]);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('idf weighting counts the words over every caption, and needs to know how many there are', () => {
    const net = createTransferNet(prior(), { hiddenDim: 16, codeDim: 2, seed: 3, dropout: 0 });
    const base = { codebook: net, vocabulary: { words, kAdj, kNoun }, captionOf: (i: number) => captions[i] };
    expect(() => createCaptionAlignmentTerm({ ...base, alignment: { weight: 1, weighting: 'idf' } })).toThrow(/needs `items`/);
    const looked: number[] = [];
    createCaptionAlignmentTerm({ ...base, captionOf: (i) => { looked.push(i); return captions[i]; }, items: 4, alignment: { weight: 1, weighting: 'idf' } });
    expect(looked).toEqual([0, 1, 2, 3]);
    net.dispose();
  });
});
