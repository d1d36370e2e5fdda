import type * as tf from '@tensorflow/tfjs-core';
import { InputError, ShapeError } from '@vqct/core';
import type { Prior } from '@vqct/prior';

/** What tokenWords needs from a prior: the words in codebook order and the half sizes. */
export type TokenVocabulary = Pick<Prior, 'words' | 'kAdj' | 'kNoun'>;

/** One position's tokens [adj_1, ..., adj_k, noun] as words: "yellow, small / bird" (just "bird" without adjectives). */
export function positionWords(ids: ArrayLike<number>, vocabulary: TokenVocabulary): string {
  const { words, kAdj, kNoun } = vocabulary;
  const n = ids.length;
  const noun = ids[n - 1];
  if (!(noun >= 0 && noun < kNoun)) throw new InputError(`noun token ${noun} is out of range; expected 0..${kNoun - 1}`);
  const adjectives: string[] = [];
  for (let i = 0; i < n - 1; i++) {
    const a = ids[i];
    if (!(a >= 0 && a < kAdj)) throw new InputError(`adjective token ${a} is out of range; expected 0..${kAdj - 1}`);
    adjectives.push(words[a]);
  }
  const nounWord = words[kAdj + noun];
  return adjectives.length > 0 ? `${adjectives.join(', ')} / ${nounWord}` : nounWord;
}

/**
 * Renders tokens as words through the prior: per position "adj, adj / noun"
 * (noun index offset by kAdj into `prior.words`). Reads the tensor back
 * synchronously; pass `await tokens.array()` to avoid that.
 *
 * @param tokens int32 [b, h, w, k+1] (a tensor, or its nested array)
 * @returns words [b][h][w]
 * @example
 * const words = tokenWords(model.encode(images), prior);
 * words[0][0][0]; // "yellow, small / bird"
 */
export function tokenWords(tokens: tf.Tensor | number[][][][], vocabulary: TokenVocabulary): string[][][] {
  if (vocabulary.words.length !== vocabulary.kAdj + vocabulary.kNoun) {
    throw new InputError(`the prior has ${vocabulary.words.length} words but kAdj + kNoun = ${vocabulary.kAdj + vocabulary.kNoun}`);
  }
  let nested: number[][][][];
  if (Array.isArray(tokens)) nested = tokens;
  else {
    if (tokens.rank !== 4) throw new ShapeError(`tokens must be [b, h, w, k+1], got [${tokens.shape.join(', ')}]`);
    nested = tokens.arraySync() as number[][][][];
  }
  return nested.map((image) => image.map((row) => row.map((ids) => positionWords(ids, vocabulary))));
}
