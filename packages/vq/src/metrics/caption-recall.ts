import { InputError } from '@vqct/core';
import type { CaptionWords } from './caption-words';
import { imageCodeCounts } from './image-code-counts';

/** Recall at one n, with its chance level. */
export interface RecallAtN {
  n: number;
  /** Share of the eligible images with a caption word among their n most frequent codes of the half. */
  recall: number;
  /**
   * The same share for a codebook with the same usage (every image keeps its
   * code counts) whose words are shuffled uniformly over the K codes of the
   * half: computed exactly, per image 1 - C(K - s, t) / C(K, t) for s caption
   * words and t codes in the image's top n, then averaged. No sampling.
   */
  chance: number;
  /**
   * The recall of a guess that ignores the image: the same n words for every
   * image, the n words most images of this set have in their captions
   * (picked on the evaluated set itself, so an optimistic guess). A model whose
   * recall does not beat it has learned which words are common, not what an
   * image shows.
   */
  frequent: number;
  /**
   * Recall on the words the image-blind guess does not name: per image, its
   * caption words outside the n most common ones; over the images that have
   * such words (`images`), the share with one of them among its n most
   * frequent codes, and the exact shuffled-words chance of that.
   */
  distinct: { images: number; recall: number; chance: number };
}

export interface HalfRecall {
  /** Images whose caption has at least one word of this half in the codebook (the denominator). */
  images: number;
  /** Images seen in all (eligible or not). */
  seen: number;
  at: RecallAtN[];
}

export interface CaptionRecallResult {
  adjective: HalfRecall;
  noun: HalfRecall;
}

/**
 * P(a uniformly random t-subset of K words meets a fixed s-subset)
 * = 1 - C(K - s, t) / C(K, t), as a product (no factorials).
 */
export function chanceOfHit(k: number, s: number, t: number): number {
  if (s <= 0 || t <= 0) return 0;
  if (s + t > k) return 1;
  let miss = 1;
  for (let i = 0; i < t; i++) miss *= (k - s - i) / (k - i);
  return 1 - miss;
}

/**
 * The codes of one half sorted by count in one image, most frequent first;
 * ties go to the lower code index (deterministic, and independent of which
 * word a code carries, so the shuffled-words chance stays exact).
 */
export function rankedCodes(counts: ReadonlyMap<number, number>): number[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([code]) => code);
}

/** Words by the number of sets that hold them, most first (ties: lower id). */
function mostCommonWords(sets: ReadonlyArray<ReadonlySet<number>>): number[] {
  const count = new Map<number, number>();
  for (const ws of sets) for (const w of ws) count.set(w, (count.get(w) ?? 0) + 1);
  return rankedCodes(count);
}

class HalfAccumulator {
  private images = 0;
  private seen = 0;
  private readonly hits: number[];
  private readonly chance: number[];
  private readonly wordSets: Array<ReadonlySet<number>> = [];
  /** Per eligible image, its most frequent codes (up to the largest n). */
  private readonly rankings: number[][] = [];

  constructor(readonly k: number, readonly ns: readonly number[]) {
    this.hits = ns.map(() => 0);
    this.chance = ns.map(() => 0);
  }

  add(counts: ReadonlyMap<number, number>, words: readonly number[]): void {
    this.seen += 1;
    if (words.length === 0) return;
    this.images += 1;
    const ranked = rankedCodes(counts);
    const wanted = new Set(words);
    this.wordSets.push(wanted);
    this.rankings.push(ranked.slice(0, Math.max(...this.ns)));
    this.ns.forEach((n, i) => {
      const top = ranked.slice(0, n);
      if (top.some((c) => wanted.has(c))) this.hits[i] += 1;
      this.chance[i] += chanceOfHit(this.k, wanted.size, top.length);
    });
  }

  result(): HalfRecall {
    const share = (x: number): number => (this.images > 0 ? x / this.images : 0);
    const common = mostCommonWords(this.wordSets);
    const frequent = (n: number): number => {
      const guess = new Set(common.slice(0, n));
      return share(this.wordSets.filter((ws) => [...ws].some((w) => guess.has(w))).length);
    };
    return {
      images: this.images, seen: this.seen,
      at: this.ns.map((n, i) => ({ n, recall: share(this.hits[i]), chance: share(this.chance[i]), frequent: frequent(n), distinct: this.distinct(n, new Set(common.slice(0, n))) })),
    };
  }

  private distinct(n: number, guess: ReadonlySet<number>): RecallAtN['distinct'] {
    let images = 0;
    let hits = 0;
    let chance = 0;
    this.wordSets.forEach((ws, i) => {
      const rare = new Set([...ws].filter((w) => !guess.has(w)));
      if (rare.size === 0) return;
      images += 1;
      const top = this.rankings[i].slice(0, n);
      if (top.some((c) => rare.has(c))) hits += 1;
      chance += chanceOfHit(this.k, rare.size, top.length);
    });
    return { images, recall: images > 0 ? hits / images : 0, chance: images > 0 ? chance / images : 0 };
  }
}

/**
 * Caption recall@n over an evaluation set (issue 17): for each image, are
 * the words of its caption among the n most frequent noun codes of its
 * tokens (and, separately, adjective codes: all k adjective slots count)?
 * Reported with the exact chance level of the same token counts under
 * shuffled words. Images are added one at a time with their caption words.
 *
 * @example
 * const r = new CaptionRecall(prior.kAdj, prior.kNoun);
 * r.add(tokensOfOneImage, 3, captionWords('red apple', captionLexicon(prior)));
 * r.result().noun.at[1]; // { n: 5, recall, chance }
 */
export class CaptionRecall {
  private readonly adj: HalfAccumulator;
  private readonly noun: HalfAccumulator;

  constructor(readonly kAdj: number, readonly kNoun: number, readonly ns: readonly number[] = [1, 5]) {
    if (ns.length === 0 || ns.some((n) => !Number.isInteger(n) || n < 1)) throw new InputError(`recall ns must be positive integers, got [${ns.join(', ')}]`);
    this.adj = new HalfAccumulator(kAdj, ns);
    this.noun = new HalfAccumulator(kNoun, ns);
  }

  /** One image's tokens (positions x perPosition values: k adjective ids, then the noun id) and its caption words. */
  add(tokens: ArrayLike<number>, perPosition: number, words: CaptionWords): void {
    const counts = imageCodeCounts(tokens, perPosition, this.kAdj, this.kNoun);
    this.adj.add(counts.adjective, words.adjectives);
    this.noun.add(counts.noun, words.nouns);
  }

  result(): CaptionRecallResult {
    return { adjective: this.adj.result(), noun: this.noun.result() };
  }
}
