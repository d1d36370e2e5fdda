import * as tf from '@tensorflow/tfjs-core';
import { check, InputError, ShapeError } from '@vqct/core';
import type { BetaPlacement } from '../config/types';
import { gatherCodes } from './gather-codes';
import { nearestCodes } from './nearest-codes';
import { quantizerLoss } from './quantizer-loss';
import { straightThrough } from './stop-gradient';
import type { QuantizeResult } from './types';

/** The adjective codes (null: no adjective half) and the noun codes, each [K_half, e]. */
export interface HalfCodebooks {
  adjective: tf.Tensor2D | null;
  noun: tf.Tensor2D;
}

/** What every quantizer shares: the two-half layout and its loss settings. */
export interface TwoHalfLayout {
  kAdj: number;
  kNoun: number;
  codeDim: number;
  topK: number;
  beta: number;
  betaPlacement: BetaPlacement;
  distanceBlockElements: number;
  /** false for EMA codebooks (commitment term only). */
  codebookTerm: boolean;
}

/** The flat vectors and indices of one training forward (for EMA statistics). */
export interface HalfAssignments {
  zAdjective: tf.Tensor2D | null;
  zNoun: tf.Tensor2D;
  adjective: tf.Tensor2D | null;
  noun: tf.Tensor2D;
}

export function channelsOf(layout: Pick<TwoHalfLayout, 'kAdj' | 'codeDim'>): number {
  return layout.kAdj > 0 ? 2 * layout.codeDim : layout.codeDim;
}

export function tokensPerPositionOf(layout: Pick<TwoHalfLayout, 'kAdj' | 'topK'>): number {
  return layout.kAdj > 0 ? layout.topK + 1 : 1;
}

/** Splits a [K, e] codebook into its adjective rows (0..kAdj-1) and noun rows. New tensors. */
export function splitCodebook(codebook: tf.Tensor2D, kAdj: number): HalfCodebooks {
  const [k, e] = codebook.shape;
  if (kAdj === 0) return { adjective: null, noun: tf.clone(codebook) };
  return {
    adjective: tf.slice(codebook, [0, 0], [kAdj, e]),
    noun: tf.slice(codebook, [kAdj, 0], [k - kAdj, e]),
  };
}

/**
 * Quantizes z [b, h, w, channels] half by half: adjective half -> mean of the
 * topK nearest adjective codes, noun half -> nearest noun code (METHOD.md §3).
 * New tensors, owned by the caller; `assignments` too.
 */
export function quantizeTwoHalves(
  z: tf.Tensor4D,
  codes: HalfCodebooks,
  layout: TwoHalfLayout,
  training: boolean,
): QuantizeResult & { assignments: HalfAssignments } {
  const channels = channelsOf(layout);
  check(
    z.rank === 4 && z.shape[3] === channels,
    () => `quantizer input must be [b, h, w, ${channels}] (${layout.kAdj > 0 ? '2e' : 'e'} with e = ${layout.codeDim}), got [${z.shape.join(', ')}]`,
  );
  const [b, h, w] = z.shape;
  const n = b * h * w;
  const e = layout.codeDim;
  const flat = tf.reshape(z, [n, channels]) as tf.Tensor2D;
  const block = layout.distanceBlockElements;
  const zAdjective = codes.adjective ? tf.slice(flat, [0, 0], [n, e]) : null;
  const zNoun = codes.adjective ? tf.slice(flat, [0, e], [n, e]) : flat;
  const adjective = codes.adjective && zAdjective ? nearestCodes(zAdjective, codes.adjective, layout.topK, block) : null;
  const noun = nearestCodes(zNoun, codes.noun, 1, block);
  const qNoun = gatherCodes(codes.noun, noun, block);
  const nounLoss = quantizerLoss(zNoun, qNoun, layout.beta, layout.betaPlacement, { codebookTerm: layout.codebookTerm });
  let q = qNoun;
  let adjLoss: tf.Scalar = tf.scalar(0);
  let idx = noun;
  if (codes.adjective && adjective && zAdjective) {
    const qAdj = gatherCodes(codes.adjective, adjective, block);
    adjLoss = quantizerLoss(zAdjective, qAdj, layout.beta, layout.betaPlacement, { codebookTerm: layout.codebookTerm });
    q = tf.concat([qAdj, qNoun], 1);
    idx = tf.concat([adjective, noun], 1);
  }
  const out = training ? straightThrough(flat, q) : q;
  return {
    quantized: tf.reshape(out, [b, h, w, channels]) as tf.Tensor4D,
    loss: tf.add(adjLoss, nounLoss) as tf.Scalar,
    parts: { adjective: adjLoss, noun: nounLoss },
    tokens: markTokensInRange(tf.reshape(idx, [b, h, w, idx.shape[1]]) as tf.Tensor4D),
    assignments: { zAdjective, zNoun, adjective, noun },
  };
}

/**
 * Token tensors this package made by quantizing (in range by construction). Their
 * range check is skipped: it costs a synchronous read-back, which stalls GPU
 * backends (and which headless Chromium's WebGPU does not survive).
 */
const inRange = new WeakSet<tf.Tensor>();

/** Marks `tokens` as made by a quantizer here; returns it. */
export function markTokensInRange<T extends tf.Tensor>(tokens: T): T {
  inRange.add(tokens);
  return tokens;
}

/**
 * Checks tokens' dtype, shape and index ranges. The range check is one small
 * read-back, skipped for the tensors a quantizer here returned as they are.
 */
export function checkTokens(tokens: tf.Tensor, layout: Pick<TwoHalfLayout, 'kAdj' | 'kNoun' | 'topK'>): void {
  const t = tokensPerPositionOf(layout);
  check(tokens.rank === 4 && tokens.shape[3] === t, () => `tokens must be [b, h, w, ${t}], got [${tokens.shape.join(', ')}]`);
  check(tokens.dtype === 'int32', () => `tokens must be int32, got ${tokens.dtype}`, ShapeError);
  if (tokens.size === 0 || inRange.has(tokens)) return;
  const [minAdj, maxAdj, minNoun, maxNoun] = tf.tidy(() => {
    const flat = tf.reshape(tokens, [-1, t]) as tf.Tensor2D;
    const nouns = tf.slice(flat, [0, t - 1], [-1, 1]);
    const adjs = t > 1 ? tf.slice(flat, [0, 0], [-1, t - 1]) : tf.zeros([1], 'int32');
    return tf.stack([tf.min(adjs), tf.max(adjs), tf.min(nouns), tf.max(nouns)]).dataSync();
  });
  if (t > 1 && (minAdj < 0 || maxAdj >= layout.kAdj)) {
    throw new InputError(`adjective token out of range: got values in [${minAdj}, ${maxAdj}], expected 0..${layout.kAdj - 1}`);
  }
  if (minNoun < 0 || maxNoun >= layout.kNoun) {
    throw new InputError(`noun token out of range: got values in [${minNoun}, ${maxNoun}], expected 0..${layout.kNoun - 1}`);
  }
}

/**
 * Rebuilds [b, h, w, channels] from tokens: mean of the adjective codes ;
 * the noun code. Uses the same gather as `quantizeTwoHalves`, so it equals the
 * inference output exactly. New tensor, owned by the caller.
 */
export function lookupTwoHalves(tokens: tf.Tensor4D, codes: HalfCodebooks, layout: TwoHalfLayout): tf.Tensor4D {
  checkTokens(tokens, layout);
  return tf.tidy(() => {
    const [b, h, w, t] = tokens.shape;
    const flat = tf.reshape(tokens, [b * h * w, t]) as tf.Tensor2D;
    const block = layout.distanceBlockElements;
    const qNoun = gatherCodes(codes.noun, tf.slice(flat, [0, t - 1], [-1, 1]), block);
    const q = codes.adjective
      ? tf.concat([gatherCodes(codes.adjective, tf.slice(flat, [0, 0], [-1, t - 1]), block), qNoun], 1)
      : qNoun;
    return tf.reshape(q, [b, h, w, channelsOf(layout)]) as tf.Tensor4D;
  });
}

/** The public part of a two-half result (drops the EMA assignments). */
export function withoutAssignments(r: QuantizeResult & { assignments: HalfAssignments }): QuantizeResult {
  return { quantized: r.quantized, loss: r.loss, parts: r.parts, tokens: r.tokens };
}
