import type { Prior } from '@vqct/prior';
import { InputError, ShapeError, check } from '@vqct/core';

/** What the transfer net reads from a prior. */
export type TransferNetPrior = Pick<Prior, 'kAdj' | 'kNoun' | 'dim' | 'vectors' | 'edgeIndex' | 'edgeWeight'> & Partial<Pick<Prior, 'words'>>;

/**
 * Checks the parts of a prior the transfer net uses: sizes, finite vectors,
 * the edge list's shape. (Edge ranges and weights are checked by `normalizedAdjacency`.)
 * Throws `InputError` / `ShapeError` saying which word or edge is wrong.
 */
export function validatePrior(prior: TransferNetPrior): void {
  check(prior != null && typeof prior === 'object', () => 'a prior object is required', InputError);
  const { kAdj, kNoun, dim } = prior;
  check(Number.isInteger(kAdj) && kAdj >= 0 && Number.isInteger(kNoun) && kNoun >= 0,
    () => `kAdj and kNoun must be non-negative integers, got ${kAdj} and ${kNoun}`, InputError);
  const k = kAdj + kNoun;
  check(k > 0, () => 'the prior has no words (K = 0): lower minCount or use a larger corpus', InputError);
  check(Number.isInteger(dim) && dim > 0, () => `the word-vector dimension must be a positive integer, got ${dim}`, ShapeError);
  check(prior.vectors instanceof Float32Array, () => 'prior.vectors must be a Float32Array [K, dim]', ShapeError);
  check(prior.vectors.length === k * dim,
    () => `prior.vectors has ${prior.vectors.length} values; K x dim = ${k} x ${dim} needs ${k * dim}`, ShapeError);
  check(prior.words == null || prior.words.length === k,
    () => `prior.words has ${prior.words?.length} words but kAdj + kNoun = ${k}`, ShapeError);
  check(prior.edgeIndex instanceof Int32Array, () => 'prior.edgeIndex must be an Int32Array [E, 2]', ShapeError);
  check(prior.edgeWeight instanceof Float32Array, () => 'prior.edgeWeight must be a Float32Array [E]', ShapeError);
  const v = prior.vectors;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      const row = Math.floor(i / dim);
      const word = prior.words?.[row];
      throw new InputError(`the vector of word ${row}${word != null ? ` "${word}"` : ''} has a non-finite value ${v[i]} at component ${i % dim}`);
    }
  }
}
