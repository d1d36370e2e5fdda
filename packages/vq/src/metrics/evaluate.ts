import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@vqct/core';
import type { PerceptualDistance } from '../losses/reconstruction';
import type { TokenVocabulary } from '../tokens/token-words';
import type { TrainableTokenizer } from '../train/types';
import { CaptionRecall, type CaptionRecallResult } from './caption-recall';
import { addCaptionedImages, captionLexicon } from './caption-words';
import type { HalfUsage } from './codebook-usage';
import { CodebookUsage } from './codebook-usage';
import { frechetDistance } from './frechet';
import { psnr } from './psnr';
import { ssim } from './ssim';

/** Pooled features of a frozen network, for the FID-like score. */
export interface FeatureExtractor {
  readonly name: string;
  readonly dim: number;
  /** @param x [b, h, w, c] in [-1, 1] @returns [b, dim]; caller owns it */
  features(x: tf.Tensor4D): tf.Tensor2D;
}

export interface EvaluationResult {
  images: number;
  /** Mean PSNR in dB (identical images are counted at 100 dB). */
  psnr: number;
  ssim: number;
  usage: { adjective: HalfUsage; noun: HalfUsage };
  /** Mean of the perceptual distance, with the name of what it is. */
  perceptual?: { name: string; value: number };
  /** Fréchet distance on the extractor's features; NOT comparable to published FID. */
  fidLike?: { name: string; value: number };
  /** Caption recall@1/@5 per half with its chance level, when batches came with captions and a vocabulary was given. */
  captionRecall?: CaptionRecallResult;
}

/** A batch with the caption of each image (null: none), for caption recall. */
export interface CaptionedBatch {
  images: tf.Tensor4D;
  captions: ReadonlyArray<string | null>;
}

export interface EvaluateOptions {
  kAdj: number;
  kNoun: number;
  perceptual?: PerceptualDistance;
  features?: FeatureExtractor;
  /** The words of the codes: with captioned batches, caption recall is measured. */
  vocabulary?: TokenVocabulary;
}

/**
 * Streams a whole evaluation set through a tokenizer (inference mode) and
 * reports PSNR, SSIM, codebook usage and perplexity per half, and optionally
 * the perceptual distance and an FID-like score. Batches are disposed here.
 *
 * @example
 * const r = await evaluateTokenizer(model, batches(), { kAdj: 64, kNoun: 128 });
 * r.psnr; r.usage.noun.usage;
 */
export async function evaluateTokenizer(
  model: Pick<TrainableTokenizer, 'forward'>,
  batches: AsyncIterable<tf.Tensor4D | CaptionedBatch>,
  options: EvaluateOptions,
): Promise<EvaluationResult> {
  const usage = new CodebookUsage(options.kAdj, options.kNoun);
  const lexicon = options.vocabulary != null ? captionLexicon(options.vocabulary) : null;
  const recall = new CaptionRecall(options.kAdj, options.kNoun);
  let captioned = 0;
  let images = 0;
  let psnrSum = 0;
  let ssimSum = 0;
  let percSum = 0;
  const real: Float32Array[] = [];
  const fake: Float32Array[] = [];
  for await (const item of batches) {
    const x = item instanceof tf.Tensor ? item : item.images;
    const captions = item instanceof tf.Tensor ? null : item.captions;
    try {
      if (captions != null && captions.length !== x.shape[0]) {
        throw new ShapeError(`a captioned batch has ${x.shape[0]} images but ${captions.length} captions`);
      }
      const out = tf.tidy(() => {
        const o = model.forward(x, { training: false });
        const r = tf.clipByValue(o.reconstruction, -1, 1) as tf.Tensor4D;
        return {
          tokens: o.tokens,
          psnr: tf.minimum(psnr(x, r), 100),
          ssim: ssim(x, r),
          perc: options.perceptual != null ? tf.mul(options.perceptual.distance(x, r), x.shape[0]) : tf.scalar(0),
          fr: options.features?.features(x),
          ff: options.features?.features(r),
        };
      });
      const tokenData = (await out.tokens.data()) as Int32Array;
      const perPosition = out.tokens.shape[out.tokens.shape.length - 1];
      usage.add(tokenData, perPosition);
      if (lexicon != null && captions != null) captioned += addCaptionedImages(recall, tokenData, perPosition, captions, lexicon);
      for (const v of await out.psnr.data()) psnrSum += v;
      for (const v of await out.ssim.data()) ssimSum += v;
      percSum += (await out.perc.data())[0];
      const rows = async (t: tf.Tensor2D | undefined, into: Float32Array[]): Promise<void> => {
        if (t == null) return;
        const data = (await t.data()) as Float32Array;
        for (let i = 0; i < t.shape[0]; i++) into.push(data.slice(i * t.shape[1], (i + 1) * t.shape[1]));
      };
      await rows(out.fr, real);
      await rows(out.ff, fake);
      images += x.shape[0];
      tf.dispose(Object.values(out).filter((t): t is tf.Tensor => t != null));
    } finally {
      x.dispose();
    }
  }
  const result: EvaluationResult = { images, psnr: psnrSum / images, ssim: ssimSum / images, usage: usage.result() };
  if (options.perceptual != null) result.perceptual = { name: options.perceptual.name, value: percSum / images };
  if (captioned > 0) result.captionRecall = recall.result();
  if (options.features != null) {
    result.fidLike = { name: `fid-like/${options.features.name} (not comparable to published FID)`, value: frechetDistance(real, fake, options.features.dim) };
  }
  return result;
}
