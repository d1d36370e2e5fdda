import * as tf from '@tensorflow/tfjs-core';
// Tests may use @vqct/transfer-net (devDependency); src never does.
import { createTransferNet } from '@vqct/transfer-net';
import { describe, expect, it } from 'vitest';
import { resolveVqModelConfig } from '../config/resolve-config';
import { ArrayImageDataset } from '../data/array-dataset';
import { BatchLoader } from '../data/batch-loader';
import { CaptionRecall } from '../metrics/caption-recall';
import { captionLexicon, captionWords } from '../metrics/caption-words';
import { createVqModel } from '../model/vq-model';
import { createCaptionAlignmentTerm } from './caption-alignment-term';
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

async function nounRecall(model: ReturnType<typeof createVqModel>, ds: ArrayImageDataset): Promise<number> {
  const lex = captionLexicon({ words, kAdj, kNoun });
  const r = new CaptionRecall(kAdj, kNoun, [1]);
  for (let i = 0; i < ds.size; i++) {
    const x = tf.tensor4d((await ds.get(i)) as Float32Array, [1, 8, 8, 3]);
    const t = model.encode(x);
    r.add(await t.data(), t.shape[3], captionWords(captions[i], lex));
    tf.dispose([x, t]);
  }
  return r.result().noun.at[0].recall;
}

describe('caption alignment as a training term', () => {
  it('makes each image pick its caption noun, reports align, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const net = createTransferNet(prior(), { hiddenDim: 32, codeDim: 8, seed: 3, dropout: 0 });
    const model = createVqModel(resolveVqModelConfig({ preset: 'tiny', codeDim: 8 }), { codebook: net, seed: 3 });
    const ds = dataset();
    const align = createCaptionAlignmentTerm({ codebook: net, vocabulary: { words, kAdj, kNoun }, captionOf: (i) => captions[i], alignment: { weight: 1 } });
    const step = createVqganStep({ model, codebook: net, learningRate: 3e-3, auxiliary: align });
    const loader = new BatchLoader(ds, { batchSize: 4, seed: 1 });
    const aligns: number[] = [];
    for (let s = 0; s < 30; s++) {
      const batch = await loader.next();
      const report = step.run(batch, s, s + 1);
      batch.dispose();
      aligns.push(report.losses.align);
      expect(report.losses.alignNoun).toBeGreaterThanOrEqual(0);
    }
    expect(aligns[aligns.length - 1]).toBeLessThan(aligns[0] / 4);
    expect(await nounRecall(model, ds)).toBe(1);
    // Batches that no BatchLoader made have no captions to look up.
    const stray = tf.zeros([4, 8, 8, 3]) as tf.Tensor4D;
    expect(() => step.run(stray, 30, 31)).toThrow(/BatchLoader over a captioned dataset/);
    stray.dispose();
    step.dispose();
    model.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
