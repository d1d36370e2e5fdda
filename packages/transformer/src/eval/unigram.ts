import type { SequenceLayout } from '../sequence/layout';
import { isNounSlot } from '../sequence/layout';
import type { BitsPerToken } from './held-out-nll';

/** Word ids (global, the layout's) of the image tokens of [n, P + L] sequences, split by kind. */
function* imageTokens(layout: SequenceLayout, sequences: ArrayLike<number>): Generator<[boolean, number]> {
  const S = layout.prefixLength + layout.imageLength;
  for (let i = 0; i + S <= sequences.length; i += S) {
    for (let j = 0; j < layout.imageLength; j++) {
      const noun = isNounSlot(layout, j);
      const id = sequences[i + layout.prefixLength + j];
      yield [noun, noun ? id - layout.tokens.kAdj : id];
    }
  }
}

/**
 * The unigram baseline: each kind's token frequencies on `train` (add-one
 * smoothed), scored on `heldOut` in bits per image token: what a model that
 * ignores every other token and the condition achieves.
 *
 * @example
 * const base = unigramBits(layout, train.sequences, heldOut.sequences).bitsPerToken;
 */
export function unigramBits(layout: SequenceLayout, train: ArrayLike<number>, heldOut: ArrayLike<number>): BitsPerToken {
  const { kAdj, kNoun, adjectives } = layout.tokens;
  const nounCounts = new Float64Array(kNoun).fill(1);
  const adjCounts = new Float64Array(Math.max(1, kAdj)).fill(1);
  for (const [noun, id] of imageTokens(layout, train)) (noun ? nounCounts : adjCounts)[id] += 1;
  const nounTotal = nounCounts.reduce((a, b) => a + b, 0);
  const adjTotal = adjCounts.reduce((a, b) => a + b, 0);
  let noun = 0;
  let adjective = 0;
  let nouns = 0;
  let adjs = 0;
  for (const [isNoun, id] of imageTokens(layout, heldOut)) {
    if (isNoun) { noun -= Math.log2(nounCounts[id] / nounTotal); nouns += 1; }
    else { adjective -= Math.log2(adjCounts[id] / adjTotal); adjs += 1; }
  }
  const tokens = nouns + adjs;
  return { bitsPerToken: (noun + adjective) / tokens, noun: noun / nouns, adjective: adjectives > 0 ? adjective / adjs : 0, tokens };
}
