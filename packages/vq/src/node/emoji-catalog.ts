import { InputError } from '@vqct/core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The emoji image sets whose licences allow redistribution (see packages/vq/README.md). */
export const EMOJI_STYLES = ['google', 'twitter'] as const;
export type EmojiStyle = (typeof EMOJI_STYLES)[number];

/** Which part of the split by emoji. */
export type EmojiSplit = 'train' | 'heldout' | 'all';

/** One image of one emoji in one style. */
export interface EmojiImage {
  /** The base emoji's `unified` code point sequence ("1F385"); skin-tone variants share it. */
  base: string;
  /** This image's own sequence ("1F385-1F3FB"). */
  unified: string;
  style: EmojiStyle;
  /** The 64x64 PNG. */
  file: string;
  /** The caption: the Unicode name in lower case, with the skin tone when there is one ("santa claus, light skin tone"). */
  caption: string;
  /** Short names that differ from the name ("santa"), underscores as spaces. */
  keywords: string[];
  category: string;
}

interface RawEntry {
  name?: string;
  unified: string;
  image: string;
  short_names?: string[];
  category?: string;
  skin_variations?: Record<string, { unified: string; image: string } & Record<string, unknown>>;
  [key: string]: unknown;
}

const SKIN_TONES: Record<string, string> = {
  '1F3FB': 'light skin tone',
  '1F3FC': 'medium-light skin tone',
  '1F3FD': 'medium skin tone',
  '1F3FE': 'medium-dark skin tone',
  '1F3FF': 'dark skin tone',
};

/** "1F3FB-1F3FD" -> "light skin tone, medium skin tone" (each distinct tone once). */
function skinToneWords(key: string): string {
  const tones = [...new Set(key.split('-').map((k) => SKIN_TONES[k]).filter((t): t is string => t != null))];
  return tones.join(', ');
}

function packageDir(style: EmojiStyle): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`emoji-datasource-${style}/package.json`));
  } catch (e) {
    throw new InputError(`the emoji set "${style}" needs the "emoji-datasource-${style}" package (npm i emoji-datasource-${style})`, { cause: e });
  }
}

/**
 * Every image of the given emoji styles, in the packages' `sort_order`
 * (one entry per base emoji, then its skin-tone variants), with captions.
 * Only images the set draws itself (`has_img_<style>`) are listed.
 *
 * @example
 * const images = listEmojiImages(['google']); // ~3,800 entries
 */
export function listEmojiImages(styles: readonly EmojiStyle[] = EMOJI_STYLES): EmojiImage[] {
  const out: EmojiImage[] = [];
  for (const style of styles) {
    if (!EMOJI_STYLES.includes(style)) throw new InputError(`unknown emoji style ${JSON.stringify(style)}; expected one of ${EMOJI_STYLES.join(', ')}`);
    const dir = packageDir(style);
    const require = createRequire(import.meta.url);
    let entries: RawEntry[];
    try {
      entries = require(join(dir, 'emoji.json')) as RawEntry[];
    } catch (e) {
      throw new InputError(`cannot read emoji.json (${(e as Error).message.split('\n')[0]})`, { file: join(dir, 'emoji.json'), cause: e });
    }
    const sorted = [...entries].sort((a, b) => Number(a.sort_order ?? 0) - Number(b.sort_order ?? 0));
    const flag = `has_img_${style}`;
    for (const e of sorted) {
      const name = (e.name ?? e.short_names?.[0]?.replace(/_/g, ' ') ?? e.unified).toLowerCase();
      const keywords = [...new Set((e.short_names ?? []).map((s) => s.replace(/[_-]/g, ' ').toLowerCase()))].filter((s) => s !== name);
      const category = e.category ?? '';
      const push = (unified: string, image: string, caption: string): void => {
        out.push({ base: e.unified, unified, style, file: join(dir, 'img', style, '64', image), caption, keywords, category });
      };
      if (e[flag] === true) push(e.unified, e.image, name);
      for (const [key, v] of Object.entries(e.skin_variations ?? {})) {
        if (v[flag] === true) push(v.unified, v.image, `${name}, ${skinToneWords(key)}`);
      }
    }
  }
  return out;
}

/** FNV-1a 32-bit over the UTF-16 code units of `s`. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Whether a base emoji is held out: a hash of its code points, so the split
 * does not depend on the style, on the order, or on emoji added by a later
 * package version. A held-out emoji is held out in every style and with
 * every skin tone.
 *
 * @example
 * isHeldOutEmoji('1F34E', 0.1); // the same answer on every machine
 */
export function isHeldOutEmoji(base: string, fraction: number): boolean {
  return fnv1a(base.toUpperCase()) / 2 ** 32 < fraction;
}

/** The images of `split` (a held-out `fraction` of the base emoji). */
export function splitEmojiImages(images: readonly EmojiImage[], split: EmojiSplit, fraction: number): EmojiImage[] {
  if (!(fraction >= 0 && fraction < 1)) throw new InputError(`held-out fraction must be in [0, 1), got ${fraction}`);
  if (split === 'all') return [...images];
  return images.filter((img) => isHeldOutEmoji(img.base, fraction) === (split === 'heldout'));
}

/**
 * The caption corpus of the emoji sets: per base emoji its name and its short
 * names (one description each), de-duplicated across styles. Skin tones are
 * left out: they would make "skin" and "tone" the most frequent words.
 *
 * @example
 * emojiCaptions().slice(0, 2); // ['hash key', 'hash']
 */
export function emojiCaptions(styles: readonly EmojiStyle[] = EMOJI_STYLES): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const img of listEmojiImages(styles)) {
    if (img.unified !== img.base) continue;
    for (const text of [img.caption, ...img.keywords]) {
      const key = `${img.base}\u0000${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(text);
    }
  }
  return out;
}
