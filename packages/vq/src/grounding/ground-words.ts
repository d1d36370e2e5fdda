import { InputError, ShapeError } from '@vqct/core';
import { maximumWeightAssignment } from './linear-assignment';
import type { HalfScores } from './word-code-scores';

/** Per half, the code each word is given: `adjective[w]` in [0, kAdj), `noun[w]` in [0, kNoun); each a permutation. */
export interface WordGrounding {
  adjective: Int32Array;
  noun: Int32Array;
  /** The total score of each half's assignment, and of leaving every word on its own code. */
  score: { adjective: { grounded: number; identity: number }; noun: { grounded: number; identity: number } };
}

function assignHalf(h: HalfScores): { codes: Int32Array; grounded: number; identity: number } {
  if (h.k === 0) return { codes: new Int32Array(0), grounded: 0, identity: 0 };
  const codes = maximumWeightAssignment(h.scores, h.k);
  let grounded = 0;
  let identity = 0;
  for (let w = 0; w < h.k; w++) {
    grounded += h.scores[w * h.k + codes[w]];
    identity += h.scores[w * h.k + w];
  }
  return { codes, grounded, identity };
}

/**
 * Gives every word the code its images use (issue 17): per half, the one-to-one
 * word -> code assignment with the largest total score (`WordCodeScores`).
 * Words no image names go to the codes left over, so the result is a permutation.
 *
 * @example
 * const g = groundWords(scores.result()); g.noun[appleId]; // the code "apple" is given
 */
export function groundWords(scores: { adjective: HalfScores; noun: HalfScores }): WordGrounding {
  const adjective = assignHalf(scores.adjective);
  const noun = assignHalf(scores.noun);
  return {
    adjective: adjective.codes, noun: noun.codes,
    score: { adjective: { grounded: adjective.grounded, identity: adjective.identity }, noun: { grounded: noun.grounded, identity: noun.identity } },
  };
}

/**
 * The codebook a grounded transfer net is fit to: row w of each half is the
 * current code the grounding gives word w, so the set of codes (and what the
 * decoder sees) stays the same and only the words move.
 *
 * @param codebook [K, e] row-major, adjectives first (K = kAdj + kNoun)
 * @returns a new [K, e] row-major array
 * @example
 * const targets = groundedCodebook(await net.inferenceCodebook().data(), 32, g);
 */
export function groundedCodebook(codebook: ArrayLike<number>, codeDim: number, grounding: Pick<WordGrounding, 'adjective' | 'noun'>): Float32Array {
  const kAdj = grounding.adjective.length;
  const k = kAdj + grounding.noun.length;
  if (!Number.isInteger(codeDim) || codeDim < 1) throw new InputError(`the code dimension must be a positive integer, got ${codeDim}`);
  if (codebook.length !== k * codeDim) throw new ShapeError(`a codebook of ${k} codes of ${codeDim} needs ${k * codeDim} values, got ${codebook.length}`);
  const out = new Float32Array(k * codeDim);
  const copy = (row: number, from: number): void => {
    for (let j = 0; j < codeDim; j++) out[row * codeDim + j] = codebook[from * codeDim + j];
  };
  grounding.adjective.forEach((code, w) => copy(w, code));
  grounding.noun.forEach((code, w) => copy(kAdj + w, kAdj + code));
  return out;
}
