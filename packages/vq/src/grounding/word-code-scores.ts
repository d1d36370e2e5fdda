import { InputError } from '@vqct/core';
import { rankedCodes } from '../metrics/caption-recall';
import type { CaptionWords } from '../metrics/caption-words';
import { imageCodeCounts } from '../metrics/image-code-counts';

/** Word x code scores of one half, row-major `[word * k + code]`. */
export interface HalfScores {
  k: number;
  scores: Float64Array;
  /** Images whose caption had a word of this half. */
  images: number;
}

class HalfScoreAccumulator {
  readonly scores: Float64Array;
  images = 0;

  constructor(readonly k: number, readonly top: number) {
    this.scores = new Float64Array(k * k);
  }

  add(counts: ReadonlyMap<number, number>, words: readonly number[]): void {
    if (words.length === 0) return;
    this.images += 1;
    const codes = rankedCodes(counts).slice(0, this.top);
    for (const w of new Set(words)) {
      if (!(Number.isInteger(w) && w >= 0 && w < this.k)) throw new InputError(`caption word ${w} is outside [0, ${this.k})`);
      for (const c of codes) this.scores[w * this.k + c] += 1;
    }
  }
}

/**
 * How often each caption word meets each code (issue 17's grounding): for every
 * captioned image, each word of its caption scores +1 with each of the image's
 * `top` most frequent codes of the same half (ties: the lower code, as caption
 * recall ranks them). Maximizing the total over a one-to-one word -> code
 * assignment maximizes caption recall@top on these images, counted per word.
 *
 * @example
 * const s = new WordCodeScores(kAdj, kNoun);
 * s.add(tokensOfOneImage, 3, captionWords('red apple', lexicon));
 * groundWords(s.result());
 */
export class WordCodeScores {
  private readonly adj: HalfScoreAccumulator;
  private readonly noun: HalfScoreAccumulator;

  constructor(readonly kAdj: number, readonly kNoun: number, readonly top = 5) {
    if (!Number.isInteger(top) || top < 1) throw new InputError(`grounding needs a positive number of top codes, got ${top}`);
    this.adj = new HalfScoreAccumulator(kAdj, top);
    this.noun = new HalfScoreAccumulator(kNoun, top);
  }

  /** One image's tokens (positions x perPosition: k adjective ids, then the noun id) and its caption words. */
  add(tokens: ArrayLike<number>, perPosition: number, words: CaptionWords): void {
    const counts = imageCodeCounts(tokens, perPosition, this.kAdj, this.kNoun);
    this.adj.add(counts.adjective, words.adjectives);
    this.noun.add(counts.noun, words.nouns);
  }

  result(): { adjective: HalfScores; noun: HalfScores } {
    const half = (a: HalfScoreAccumulator): HalfScores => ({ k: a.k, scores: a.scores, images: a.images });
    return { adjective: half(this.adj), noun: half(this.noun) };
  }
}
