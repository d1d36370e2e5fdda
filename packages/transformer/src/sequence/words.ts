import { InputError } from '@vqct/core';
import type { TokenVocabulary } from '@vqct/vq';

/**
 * Prompt words -> the prior's own word ids (adjective a -> a, noun n -> kAdj + n):
 * the ids the image tokens use, so a prompt and an image share one vocabulary.
 * Splits on spaces, commas and slashes, lower-cases, tries a trailing-s
 * singular; an unknown word is an InputError naming it.
 *
 * @example
 * wordIds('red apple', prior); // [idOf('red'), kAdj + nounOf('apple')]
 */
export function wordIds(prompt: string, vocabulary: TokenVocabulary): number[] {
  const index = new Map<string, number>();
  // Nouns first, so a word that is both ("white") reads as the noun it usually is in a caption... unless it comes before a noun.
  vocabulary.words.forEach((w, i) => { if (!index.has(w) || i >= vocabulary.kAdj) index.set(w, i); });
  const adjIndex = new Map<string, number>();
  vocabulary.words.slice(0, vocabulary.kAdj).forEach((w, i) => adjIndex.set(w, i));
  const tokens = prompt.toLowerCase().split(/[\s,/]+/).filter((w) => w !== '');
  const unknown: string[] = [];
  const ids = tokens.map((w, i) => {
    const forms = w.endsWith('s') ? [w, w.slice(0, -1)] : [w];
    // An adjective before another word ("white shirt") is read as the adjective.
    if (i < tokens.length - 1) for (const f of forms) if (adjIndex.has(f)) return adjIndex.get(f)!;
    for (const f of forms) if (index.has(f)) return index.get(f)!;
    unknown.push(w);
    return -1;
  });
  if (unknown.length > 0) throw new InputError(`not in the prior's vocabulary: ${unknown.map((w) => JSON.stringify(w)).join(', ')} (${vocabulary.kAdj} adjectives + ${vocabulary.kNoun} nouns)`);
  if (ids.length === 0) throw new InputError('the prompt has no words');
  return ids;
}
