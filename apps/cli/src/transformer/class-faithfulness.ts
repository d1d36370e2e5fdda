import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@vqct/core';
import { sampleTokens } from '@vqct/transformer';
import type { Output } from '../output';
import { SmallClassifier } from './fashion-classifier';
import { labeledMnist } from './labeled-data';
import { meanPairwiseDistance } from './pairwise-distance';
import type { LoadedTransformer } from './load-transformer';

export interface FaithfulnessOptions {
  samplesPerClass: number;
  classifierPerClass: number;
  classifierSteps: number;
  /** Real images per class the classifier is tested on. */
  testPerClass: number;
  /** First image index per class used by the classifier (after the transformer's own images). */
  from: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  /** Classifier-free guidance scales: the samples are drawn (same seeds) and classified at each. */
  guidance: number[];
}

/** The samples at one guidance scale. */
export interface FaithfulnessAtScale {
  guidance: number;
  /** diversity: the mean RMS pixel distance between two samples of one class (pixels in [-1, 1]), averaged over classes. */
  samples: { perClass: number; total: number; faithful: number; diversity: number; seconds: number };
  perClass: Array<{ label: number; name: string; faithful: number; predicted: number[]; diversity: number }>;
  /** Decoded samples [10 * perClass, s, s, c], class-major, for a grid. */
  pixels: Float32Array;
}

export interface FaithfulnessReport {
  /** realDiversity: the samples' diversity measure on real test images of each class, averaged over classes. */
  classifier: { trainImages: number; testImages: number; accuracy: number; reconstructionAccuracy: number; steps: number; realDiversity: number };
  /** One entry per guidance scale, in the order asked. */
  scales: FaithfulnessAtScale[];
}

/**
 * Class faithfulness of a class-conditioned transformer: a small CNN trained on
 * real images (its own held-out accuracy reported, and on the tokenizer's
 * reconstructions of those images: the ceiling a sample can reach) classifies
 * decoded samples of each class; the share classified as the class asked for.
 */
export async function classFaithfulness(t: LoadedTransformer, o: FaithfulnessOptions, out: Output): Promise<FaithfulnessReport> {
  if (t.settings.condition !== 'class') throw new InputError(`class faithfulness needs a transformer trained with --condition class (this one: ${t.settings.condition})`);
  const vq = t.tokenizer;
  const { size, channels } = { size: vq.imageSize, channels: vq.channels };
  const source = t.settings.data.source;
  const train = await labeledMnist(source, { size, channels, from: o.from, perClass: o.classifierPerClass });
  const test = await labeledMnist(source, { size, channels, from: o.from + o.classifierPerClass, perClass: o.testPerClass });
  const clf = new SmallClassifier(size, channels, 1);
  try {
    const t0 = Date.now();
    await clf.train(train.pixels, train.labels, { steps: o.classifierSteps, batchSize: 64, learningRate: 2e-3, seed: 1 });
    const acc = (pred: Int32Array, labels: Int32Array): number => pred.reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / labels.length;
    const accuracy = acc(await clf.predict(test.pixels, test.count), test.labels);
    const recon = new Float32Array(test.pixels.length);
    const per = size * size * channels;
    for (let s = 0; s < test.count; s += 50) {
      const n = Math.min(50, test.count - s);
      const r = tf.tidy(() => vq.model.reconstruct(tf.tensor4d(test.pixels.subarray(s * per, (s + n) * per), [n, size, size, channels])));
      recon.set(await r.data(), s * per);
      r.dispose();
    }
    const reconstructionAccuracy = acc(await clf.predict(recon, test.count), test.labels);
    out.log(`classifier: ${train.count} real images, ${o.classifierSteps} steps in ${((Date.now() - t0) / 1000).toFixed(0)} s; held-out accuracy ${(100 * accuracy).toFixed(1)}% (${test.count} images), on their reconstructions ${(100 * reconstructionAccuracy).toFixed(1)}%`);

    const scales: FaithfulnessAtScale[] = [];
    for (const guidance of o.guidance) scales.push(await samplesAtScale(t, clf, o, guidance, out));
    const realDiversity = classDiversity(test.pixels, test.labels, per);
    return { classifier: { trainImages: train.count, testImages: test.count, accuracy, reconstructionAccuracy, steps: o.classifierSteps, realDiversity }, scales };
  } finally {
    clf.dispose();
  }
}

/** Draws samplesPerClass samples of every class at one guidance scale, decodes and classifies them. */
async function samplesAtScale(t: LoadedTransformer, clf: SmallClassifier, o: FaithfulnessOptions, guidance: number, out: Output): Promise<FaithfulnessAtScale> {
  const vq = t.tokenizer;
  const per = vq.imageSize * vq.imageSize * vq.channels;
  const n = o.samplesPerClass;
  const pixels = new Float32Array(10 * n * per);
  const t1 = Date.now();
  const perClass: FaithfulnessAtScale['perClass'] = [];
  for (let c = 0; c < 10; c++) {
    const tokens = await sampleTokens(t.model, { count: n, condition: { kind: 'class', label: c }, temperature: o.temperature, topK: o.topK, topP: o.topP, seed: o.seed + c, guidance });
    const images = tf.tidy(() => vq.model.decodeTokens(tokens));
    const values = await images.data();
    tf.dispose([tokens, images]);
    pixels.set(values, c * n * per);
    const pred = await clf.predict(values as Float32Array, n);
    const predicted = Array.from({ length: 10 }, (_, k) => pred.filter((p) => p === k).length);
    perClass.push({ label: c, name: t.settings.classes?.[c] ?? String(c), faithful: predicted[c] / n, predicted, diversity: meanPairwiseDistance(values, n, per) });
    out.log(`guidance ${guidance}, class ${c} (${perClass[c].name}): ${predicted[c]}/${n} classified as asked`);
  }
  const faithful = perClass.reduce((s, r) => s + r.faithful, 0) / 10;
  const diversity = perClass.reduce((s, r) => s + r.diversity, 0) / 10;
  return { guidance, samples: { perClass: n, total: 10 * n, faithful, diversity, seconds: (Date.now() - t1) / 1000 }, perClass, pixels };
}

/** The mean over classes of meanPairwiseDistance among the images of each class. */
function classDiversity(pixels: Float32Array, labels: Int32Array, per: number): number {
  let sum = 0;
  for (let c = 0; c < 10; c++) {
    const idx = Array.from(labels.keys()).filter((i) => labels[i] === c);
    const own = new Float32Array(idx.length * per);
    idx.forEach((i, k) => own.set(pixels.subarray(i * per, (i + 1) * per), k * per));
    sum += meanPairwiseDistance(own, idx.length, per);
  }
  return sum / 10;
}
