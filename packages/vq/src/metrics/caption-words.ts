import { InputError } from '@vqct/core';
import { tagDescription } from '@vqct/prior';
import type { TokenVocabulary } from '../tokens/token-words';

/** A caption's words as code indices, per half: adjective ids in [0, kAdj), noun ids in [0, kNoun). */
export interface CaptionWords {
  adjectives: readonly number[];
  nouns: readonly number[];
}

/** Word -> index within its half, built once per vocabulary. */
export interface CaptionLexicon {
  adjectives: ReadonlyMap<string, number>;
  nouns: ReadonlyMap<string, number>;
}

/** The lookup tables of `captionWords` for one vocabulary (adjectives as written, nouns as singular lemmas). */
export function captionLexicon(vocabulary: TokenVocabulary): CaptionLexicon {
  const { words, kAdj, kNoun } = vocabulary;
  if (words.length !== kAdj + kNoun) {
    throw new InputError(`the vocabulary has ${words.length} words but kAdj + kNoun = ${kAdj + kNoun}`);
  }
  const adjectives = new Map<string, number>();
  const nouns = new Map<string, number>();
  for (let i = 0; i < kAdj; i++) if (!adjectives.has(words[i])) adjectives.set(words[i], i);
  for (let i = 0; i < kNoun; i++) if (!nouns.has(words[kAdj + i])) nouns.set(words[kAdj + i], i);
  return { adjectives, nouns };
}

/**
 * The codebook words of a caption, tagged and lemmatized exactly as
 * @vqct/prior builds its vocabulary (`tagDescription`): each adjective the
 * tagger finds that is an adjective code, each noun lemma that is a noun code.
 * Distinct ids, in caption order; words outside the codebook are left out.
 *
 * @example
 * const lex = captionLexicon(prior);
 * captionWords('red apples', lex); // { adjectives: [id of "red"], nouns: [id of "apple"] }
 */
export function captionWords(caption: string, lexicon: CaptionLexicon): CaptionWords {
  const adjectives: number[] = [];
  const nouns: number[] = [];
  for (const t of tagDescription(caption)) {
    const id = t.pos === 'adj' ? lexicon.adjectives.get(t.word) : t.pos === 'noun' ? lexicon.nouns.get(t.word) : undefined;
    if (id == null) continue;
    const into = t.pos === 'adj' ? adjectives : nouns;
    if (!into.includes(id)) into.push(id);
  }
  return { adjectives, nouns };
}

/** What takes one image's tokens with its caption words: `CaptionRecall`, `WordCodeScores`. */
export interface CaptionedTokenSink {
  add(tokens: ArrayLike<number>, perPosition: number, words: CaptionWords): void;
}

/**
 * Adds each captioned image of a batch to `sink`: the batch's tokens split per
 * image (`captions.length` of them, in order), each with its caption's words;
 * images without a caption (null) are left out. Returns how many were added.
 *
 * @example
 * addCaptionedImages(recall, await tokens.data(), 3, ['red apple', null], lexicon); // 1
 */
export function addCaptionedImages(sink: CaptionedTokenSink, tokens: ArrayLike<number> & { subarray(begin: number, end: number): ArrayLike<number> }, perPosition: number, captions: ReadonlyArray<string | null>, lexicon: CaptionLexicon): number {
  const per = tokens.length / captions.length;
  let n = 0;
  captions.forEach((caption, i) => {
    if (caption == null) return;
    sink.add(tokens.subarray(i * per, (i + 1) * per), perPosition, captionWords(caption, lexicon));
    n += 1;
  });
  return n;
}
