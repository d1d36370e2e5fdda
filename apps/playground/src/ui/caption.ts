/**
 * An image's own caption next to its patch words: which caption words the
 * patches say, so a reader sees how far the words are from the description.
 */
import type { TokenGrid, Vocabulary } from './tokens';
import { adjectiveWord, nounWord, patchWords } from './tokens';

export interface CaptionMatch {
  caption: string;
  /** The caption's words, lower-case, in order (duplicates once). */
  words: string[];
  /** Those that some patch says (as an adjective or a noun). */
  said: string[];
  /** Those that are words of the prior at all (a patch could say them). */
  known: string[];
}

/** Words of a caption: lower-case runs of letters, digits, ' and - ("red apple", "t-shirt"). */
export function captionWords(caption: string): string[] {
  return [...new Set(caption.toLowerCase().split(/[^a-z0-9'-]+/).filter((w) => w !== ''))];
}

/** Every word the grid's patches say. */
export function gridWords(grid: TokenGrid, vocab: Vocabulary): Set<string> {
  const out = new Set<string>();
  for (let p = 0; p < grid.gridH * grid.gridW; p++) {
    const w = patchWords(grid, p);
    for (const a of w.adjectives) out.add(adjectiveWord(vocab, a));
    out.add(nounWord(vocab, w.noun));
  }
  return out;
}

/** How the caption's words meet the patch words (a trailing plural -s counts as its singular). */
export function matchCaption(caption: string, grid: TokenGrid, vocab: Vocabulary): CaptionMatch {
  const said = gridWords(grid, vocab);
  const all = new Set(vocab.words);
  const words = captionWords(caption);
  const forms = (w: string): string[] => (w.endsWith('s') ? [w, w.slice(0, -1)] : [w]);
  return {
    caption,
    words,
    said: words.filter((w) => forms(w).some((f) => said.has(f))),
    known: words.filter((w) => forms(w).some((f) => all.has(f))),
  };
}

/** One line: `caption "red apple" · the patches say 1 of its 2 words (red); 2 are words of the prior`. */
export function captionLine(m: CaptionMatch): string {
  const said = m.said.length > 0 ? ` (${m.said.join(', ')})` : '';
  const known = m.known.length === 1 ? '1 is a word of the prior' : `${m.known.length} are words of the prior`;
  return `caption "${m.caption}" · the patches say ${m.said.length} of its ${m.words.length} words${said}; ${known}`;
}
