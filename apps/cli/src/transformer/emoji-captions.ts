import { InputError } from '@vqct/core';
import type { TokenVocabulary } from '@vqct/vq';
import { wordIds } from '@vqct/transformer';
import { loadEmojiDataset, type EmojiSplit } from '@vqct/vq/node';
import { parseEmojiSource } from '../data';
import { readImageRange } from '../read-images';

/** The most caption words a prefix holds (longer captions keep their first words). */
export const MAX_CAPTION_WORDS = 8;

/** Captioned images: pixels [count, size, size, channels] in [-1, 1], one caption each. */
export interface CaptionedImages {
  pixels: Float32Array;
  captions: string[];
  count: number;
  size: number;
  channels: 1 | 3;
}

/** True for the `emoji[:style][:split]` sources (their images come with captions). */
export function isEmojiSource(source: string): boolean {
  return parseEmojiSource(source) != null;
}

/**
 * An image's caption as the prior's word ids: its words that the prior knows
 * (a caption is free text: "grinning face with smiling eyes" keeps
 * "grinning face smiling eyes" when those are words of the prior), at most
 * `max` of them. Empty when the prior knows none.
 *
 * @example
 * captionWordIds('red apple', prior); // [idOf('red'), kAdj + nounOf('apple')]
 */
export function captionWordIds(caption: string, vocabulary: TokenVocabulary, max = MAX_CAPTION_WORDS): number[] {
  const known = new Set(vocabulary.words);
  const words = caption.toLowerCase().split(/[^a-z0-9'-]+/).filter((w) => w !== '' && (known.has(w) || (w.endsWith('s') && known.has(w.slice(0, -1)))));
  return words.length === 0 ? [] : wordIds(words.slice(0, max).join(' '), vocabulary);
}

/**
 * The emoji of one split with their captions (`--data emoji[:style]` of
 * `vqct transformer train`): the split by emoji of @vqct/vq, so held-out emoji
 * are never trained on in any style. `limit` spreads evenly over the split.
 *
 * @example
 * const train = await captionedEmoji('emoji', 'train', { size: 32, channels: 3 });
 */
export async function captionedEmoji(source: string, split: EmojiSplit, o: { size: number; channels: 1 | 3; limit?: number }): Promise<CaptionedImages> {
  const parsed = parseEmojiSource(source);
  if (parsed == null) throw new InputError(`--data ${JSON.stringify(source)} is not an emoji source`);
  if (parsed.split != null) throw new InputError(`--data ${source}: the transformer trains on the train split and reports on the held-out one; name no split`);
  const ds = await loadEmojiDataset({ size: o.size, channels: o.channels, styles: parsed.styles, split, limit: o.limit });
  // An image the dataset cannot read is left out with its caption, so pixels and captions stay paired.
  const { pixels, count, indices } = await readImageRange(ds, 0, ds.size);
  return { pixels, captions: indices.map((i) => ds.items[i].caption), count, size: o.size, channels: o.channels };
}
