import * as tf from '@tensorflow/tfjs-core';
import { check, resolveOrThrow } from '@vqct/core';
import { z } from 'zod';
import { stopGradient } from '../quantizer/stop-gradient';
import { logScores, scaledScores, squaredDistances } from './code-scores';
import { codeUsageLoss } from './code-usage-loss';

/** How an image's encodings of one half meet the codes of its caption words. */
export type AlignmentPool = 'assignment' | 'encoding';

/** How an image's caption words share its target: equally, or by rarity (inverse document frequency over the training captions). */
export type AlignmentWeighting = 'uniform' | 'idf';

/** Which side the alignment moves. */
export type AlignmentGradient = 'both' | 'codebook' | 'encoder';

/**
 * `contrast`: the caption words' codes against every other code (a softmax over the
 * codes: the others are pushed away from the image). `attract`: only the caption
 * words' codes are pulled toward the image's nearest encodings; no code is pushed.
 */
export type AlignmentObjective = 'contrast' | 'attract';

/** Image–caption alignment (issue 17), user-facing and partial. Off unless `weight` > 0. */
export interface CaptionAlignmentOptions {
  /** Weight of the term in the generator loss (0: off). */
  weight?: number;
  /** Softmax temperature, relative to each row's mean squared distance (scale-free across checkpoints). */
  temperature?: number;
  /**
   * `assignment` (default): per position a softmax over the codes, averaged over the
   * image: the expected share of its positions that pick each word, so the loss raises
   * how often caption words are picked. `encoding`: the image's mean encoding is
   * classified against the codes (the first proposal).
   */
  pool?: AlignmentPool;
  /** Weight of the adjective half's term relative to the noun half's (0: nouns only). */
  adjectiveWeight?: number;
  /** `codebook`: only the codes (the transfer net) move toward the encodings; `encoder`: only the encodings move; `both`. */
  gradient?: AlignmentGradient;
  /**
   * `uniform` (default): every caption word weighs the same. `idf`: by
   * log((1 + N) / (1 + df)) over the N training captions, so that words most
   * captions share ("skin", "tone" in every skin-tone variant) weigh little and
   * the loss cannot be lowered by naming common words everywhere.
   */
  weighting?: AlignmentWeighting;
  /**
   * The first training step at which the term counts (default 0: from the start).
   * A later start lets reconstruction spread the encodings over the codebook first
   * (the trainer's step count, as `discStart`).
   */
  start?: number;
  /**
   * `contrast` (default) or `attract`, which drops the push of the codes that are
   * not in a caption away from its image. Measured at 4,000 steps (RESULTS, issue
   * 17): `attract` keeps every code in use but buys no recall.
   */
  objective?: AlignmentObjective;
  /**
   * Weight, in the generator loss (not relative to `weight`), of a code-usage term
   * over both halves (`codeUsageLoss`, moving the side `gradient` names) that keeps
   * the codes in use beside the alignment (0: off). Measured at 4,000 steps
   * (RESULTS, issue 17): it keeps them in use, but the PSNR cost stays.
   */
  usageWeight?: number;
}

export type ResolvedCaptionAlignmentOptions = Required<CaptionAlignmentOptions>;

export const defaultCaptionAlignmentOptions: ResolvedCaptionAlignmentOptions = {
  weight: 0,
  temperature: 0.1,
  pool: 'assignment',
  adjectiveWeight: 1,
  gradient: 'both',
  weighting: 'uniform',
  start: 0,
  objective: 'contrast',
  usageWeight: 0,
};

const schema = z.strictObject({
  weight: z.number().min(0),
  temperature: z.number().positive(),
  pool: z.enum(['assignment', 'encoding']),
  adjectiveWeight: z.number().min(0),
  gradient: z.enum(['both', 'codebook', 'encoder']),
  weighting: z.enum(['uniform', 'idf']),
  start: z.number().int().min(0),
  objective: z.enum(['contrast', 'attract']),
  usageWeight: z.number().min(0),
});

/**
 * Fills defaults and validates (ConfigError naming the field).
 * @example resolveCaptionAlignmentOptions({ weight: 0.1 }).pool; // 'assignment'
 */
export function resolveCaptionAlignmentOptions(options: CaptionAlignmentOptions = {}, file?: string): ResolvedCaptionAlignmentOptions {
  return resolveOrThrow(schema, { ...defaultCaptionAlignmentOptions, ...options }, 'caption alignment options', file) as ResolvedCaptionAlignmentOptions;
}

/**
 * The alignment term of one half: cross-entropy between the caption's word
 * distribution (over its words: multi-label) and the image's distribution over
 * the codes, averaged over the images that have words. With `objective:
 * 'attract'` the image's scores are not normalised over the codes: each caption
 * word's term is its code's soft-minimum scaled distance to the image's
 * encodings (to its mean encoding with `pool: 'encoding'`), so only those codes move.
 * Tidied; returns a new scalar (0 when no image has a word of this half).
 *
 * @param zHalf [b, n, e] the image's encodings of this half (n positions)
 * @param codes [K, e] this half's codes
 * @param target [b, K] rows sum to 1 (caption words) or 0 (none)
 */
export function halfAlignmentLoss(
  zHalf: tf.Tensor3D,
  codes: tf.Tensor2D,
  target: tf.Tensor2D,
  options: Pick<ResolvedCaptionAlignmentOptions, 'temperature' | 'pool'> & { objective?: AlignmentObjective },
): tf.Scalar {
  const [b, n, e] = zHalf.shape;
  check(codes.shape[1] === e && target.shape[0] === b && target.shape[1] === codes.shape[0],
    () => `caption alignment: encodings [${zHalf.shape}], codes [${codes.shape}] and targets [${target.shape}] do not fit`);
  const score = options.objective === 'attract' ? scaledScores : logScores;
  return tf.tidy(() => {
    let logQ: tf.Tensor2D;
    if (options.pool === 'encoding') {
      logQ = score(squaredDistances(tf.mean(zHalf, 1) as tf.Tensor2D, codes), options.temperature);
    } else {
      const perPosition = score(squaredDistances(tf.reshape(zHalf, [b * n, e]) as tf.Tensor2D, codes), options.temperature);
      logQ = tf.sub(tf.logSumExp(tf.reshape(perPosition, [b, n, -1]), 1), Math.log(n)) as tf.Tensor2D;
    }
    const ce = tf.neg(tf.sum(tf.mul(target, logQ), 1));
    const has = tf.sum(target, 1);
    return tf.div(tf.sum(tf.mul(ce, has)), tf.maximum(tf.sum(has), 1)) as tf.Scalar;
  });
}

/** Caption targets of a batch: per half [b, K_half], rows uniform over the caption's words (or 0). */
export interface AlignmentTargets {
  adjective: tf.Tensor2D | null;
  noun: tf.Tensor2D;
}

/**
 * The image–caption alignment loss over both halves: `{ total, parts }` with
 * total = noun + adjectiveWeight x adjective (the weight of the whole term is
 * the caller's), and `parts.usage` the sum over the halves of `codeUsageLoss`
 * over every position of the batch when `usageWeight` > 0 (else 0; weighing it
 * is the caller's). Tidied; the returned scalars are new.
 *
 * @param latent [b, h, w, 2e] the quantizer input (adjective half, then noun half)
 * @param codebook [K, e] rows 0..kAdj-1 adjective codes
 * @example
 * const { total } = captionAlignmentLoss(out.latent, net.trainingCodebook({ seed }), kAdj, targets, resolveCaptionAlignmentOptions({ weight: 0.1 }));
 */
export function captionAlignmentLoss(
  latent: tf.Tensor4D,
  codebook: tf.Tensor2D,
  kAdj: number,
  targets: AlignmentTargets,
  options: ResolvedCaptionAlignmentOptions,
): { total: tf.Scalar; parts: { noun: tf.Scalar; adjective: tf.Scalar; usage: tf.Scalar } } {
  return tf.tidy(() => {
    const [b, h, w, c] = latent.shape;
    const [k, e] = codebook.shape;
    check(c === (kAdj > 0 ? 2 * e : e), () => `caption alignment: latent has ${c} channels, expected ${kAdj > 0 ? 2 * e : e} for codes of ${e}`);
    const z = options.gradient === 'codebook' ? stopGradient(latent) : latent;
    const codes = options.gradient === 'encoder' ? stopGradient(codebook) : codebook;
    const flat = tf.reshape(z, [b, h * w, c]) as tf.Tensor3D;
    const nounZ = tf.slice(flat, [0, 0, c - e], [b, h * w, e]);
    const nounCodes = tf.slice(codes, [kAdj, 0], [k - kAdj, e]);
    const noun = halfAlignmentLoss(nounZ, nounCodes, targets.noun, options);
    const adjZ = kAdj > 0 ? tf.slice(flat, [0, 0, 0], [b, h * w, e]) : null;
    const adjCodes = kAdj > 0 ? tf.slice(codes, [0, 0], [kAdj, e]) : null;
    let adjective: tf.Scalar = tf.scalar(0);
    if (adjZ != null && adjCodes != null && targets.adjective != null && options.adjectiveWeight > 0) {
      adjective = halfAlignmentLoss(adjZ, adjCodes, targets.adjective, options);
    }
    let usage: tf.Scalar = tf.scalar(0);
    if (options.usageWeight > 0) {
      const rows = (x: tf.Tensor3D): tf.Tensor2D => tf.reshape(x, [b * h * w, e]);
      usage = codeUsageLoss(rows(nounZ), nounCodes, options.temperature);
      if (adjZ != null && adjCodes != null) usage = tf.add(usage, codeUsageLoss(rows(adjZ), adjCodes, options.temperature));
    }
    return { total: tf.add(noun, tf.mul(adjective, options.adjectiveWeight)) as tf.Scalar, parts: { noun, adjective, usage } };
  });
}
