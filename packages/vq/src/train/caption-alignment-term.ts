import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@vqct/core';
import { batchIndices } from '../data/batch-loader';
import type { AlignmentTargets, CaptionAlignmentOptions, ResolvedCaptionAlignmentOptions } from '../losses/caption-alignment';
import { captionAlignmentLoss, resolveCaptionAlignmentOptions } from '../losses/caption-alignment';
import { captionLexicon, captionWords, type CaptionWords } from '../metrics/caption-words';
import type { CodebookSource } from '../quantizer/codebook-source';
import type { TokenVocabulary } from '../tokens/token-words';
import type { AuxiliaryLoss } from './types';

export interface CaptionAlignmentTermOptions {
  /** The codebook the quantizer uses (its training codebook is recomputed with the step's seed: the same dropout masks). */
  codebook: CodebookSource;
  /** The words of the codes. */
  vocabulary: TokenVocabulary;
  /** The caption of dataset item `index` (null: none). */
  captionOf: (index: number) => string | null;
  /** Items in the dataset (0..items-1): needed by `weighting: 'idf'`, which counts each word over every caption once. */
  items?: number;
  alignment: CaptionAlignmentOptions;
}

/** Rows over each image's words, by `weight` (1 each when null), summing to 1 ([b, k]; zeros for an image without words). */
function targetRows(words: ReadonlyArray<readonly number[]>, k: number, weight: Float32Array | null): tf.Tensor2D {
  const data = new Float32Array(words.length * k);
  words.forEach((ids, i) => {
    const w = ids.map((id) => (weight != null ? weight[id] : 1));
    const sum = w.reduce((a, b) => a + b, 0);
    if (sum > 0) ids.forEach((id, j) => { data[i * k + id] = w[j] / sum; });
  });
  return tf.tensor2d(data, [words.length, k]);
}

/** log((1 + N) / (1 + df)) per code of each half, df = captions holding the word (each counted once). */
function inverseDocumentFrequency(all: CaptionWords[], kAdj: number, kNoun: number): { adjective: Float32Array; noun: Float32Array } {
  const adjective = new Float32Array(kAdj);
  const noun = new Float32Array(kNoun);
  for (const w of all) {
    for (const id of w.adjectives) adjective[id] += 1;
    for (const id of w.nouns) noun[id] += 1;
  }
  const idf = (df: Float32Array): Float32Array => df.map((d) => Math.log((1 + all.length) / (1 + d)));
  return { adjective: idf(adjective), noun: idf(noun) };
}

/**
 * The image–caption alignment loss as a training step's auxiliary term
 * (`createVqganStep({ auxiliary })`): the batch's captions come from the
 * dataset indices its BatchLoader recorded, tagged once per item.
 * Reported as `align` (weighted: alignment plus usage term), with `alignNoun` /
 * `alignAdjective` (and `alignUsage` where `usageWeight` > 0) unweighted,
 * from step `alignment.start` on (not computed before).
 *
 * @example
 * const align = createCaptionAlignmentTerm({ codebook: net, vocabulary: prior, captionOf: (i) => ds.caption(i), alignment: { weight: 0.1 } });
 * const step = createVqganStep({ model, codebook: net, learningRate, auxiliary: align });
 */
export function createCaptionAlignmentTerm(options: CaptionAlignmentTermOptions): AuxiliaryLoss & { options: ResolvedCaptionAlignmentOptions } {
  const resolved = resolveCaptionAlignmentOptions(options.alignment);
  const { kAdj, kNoun } = options.vocabulary;
  const lexicon = captionLexicon(options.vocabulary);
  const cache = new Map<number, CaptionWords>();
  const wordsOf = (index: number): CaptionWords => {
    let w = cache.get(index);
    if (w == null) {
      const caption = options.captionOf(index);
      w = caption != null ? captionWords(caption, lexicon) : { adjectives: [], nouns: [] };
      cache.set(index, w);
    }
    return w;
  };
  let idf: { adjective: Float32Array; noun: Float32Array } | null = null;
  if (resolved.weighting === 'idf') {
    if (options.items == null || options.items < 1) throw new ConfigError('caption alignment weighting "idf" needs `items` (the number of captioned items) to count the words');
    idf = inverseDocumentFrequency(Array.from({ length: options.items }, (_, i) => wordsOf(i)), kAdj, kNoun);
  }
  return {
    name: 'align',
    options: resolved,
    startStep: resolved.start,
    prepare(batch) {
      const indices = batchIndices(batch);
      if (indices == null) throw new ConfigError('caption alignment needs batches made by a BatchLoader over a captioned dataset (it looks the captions up by item)');
      indices.forEach(wordsOf);
    },
    loss(batch, latent, seed) {
      const indices = batchIndices(batch);
      if (indices == null) throw new ConfigError('caption alignment: call prepare(batch) first (the batch has no recorded items)');
      const words = indices.map(wordsOf);
      return tf.tidy(() => {
        const targets: AlignmentTargets = {
          noun: targetRows(words.map((w) => w.nouns), kNoun, idf?.noun ?? null),
          adjective: kAdj > 0 ? targetRows(words.map((w) => w.adjectives), kAdj, idf?.adjective ?? null) : null,
        };
        const r = captionAlignmentLoss(latent, options.codebook.trainingCodebook({ seed }), kAdj, targets, resolved);
        const total = tf.add(tf.mul(r.total, resolved.weight), tf.mul(r.parts.usage, resolved.usageWeight)) as tf.Scalar;
        const parts: Record<string, tf.Scalar> = { alignNoun: r.parts.noun, alignAdjective: r.parts.adjective };
        if (resolved.usageWeight > 0) parts.alignUsage = r.parts.usage;
        return { total, parts };
      });
    },
  };
}
