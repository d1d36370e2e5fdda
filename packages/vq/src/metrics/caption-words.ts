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
