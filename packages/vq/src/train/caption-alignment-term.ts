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
  alignment: CaptionAlignmentOptions;
}

/** Rows uniform over each image's words ([b, k]; a row of zeros for an image without words). */
function targetRows(words: ReadonlyArray<readonly number[]>, k: number): tf.Tensor2D {
  const data = new Float32Array(words.length * k);
  words.forEach((ids, i) => {
    for (const id of ids) data[i * k + id] = 1 / ids.length;
  });
  return tf.tensor2d(data, [words.length, k]);
}

/**
 * The image–caption alignment loss as a training step's auxiliary term
 * (`createVqganStep({ auxiliary })`): the batch's captions come from the
 * dataset indices its BatchLoader recorded, tagged once per item.
 * Reported as `align` (weighted), with `alignNoun` / `alignAdjective` unweighted.
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
  return {
    name: 'align',
    options: resolved,
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
          noun: targetRows(words.map((w) => w.nouns), kNoun),
          adjective: kAdj > 0 ? targetRows(words.map((w) => w.adjectives), kAdj) : null,
        };
        const r = captionAlignmentLoss(latent, options.codebook.trainingCodebook({ seed }), kAdj, targets, resolved);
        return { total: tf.mul(r.total, resolved.weight) as tf.Scalar, parts: { alignNoun: r.parts.noun, alignAdjective: r.parts.adjective } };
      });
    },
  };
}
