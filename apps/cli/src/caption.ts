import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { listEmojiImages } from '@vqct/vq/node';

/** Where an image's caption came from. */
export type CaptionSource = 'flag' | 'text-file' | 'emoji';

let emojiByFile: Map<string, string> | null = null;

/** The caption of an emoji PNG by its file name ("1f34e.png" -> "red apple"); null when not one. */
function emojiCaption(image: string): string | null {
  if (emojiByFile == null) {
    emojiByFile = new Map();
    try {
      for (const e of listEmojiImages()) emojiByFile.set(basename(e.file).toLowerCase(), e.caption);
    } catch {
      // The emoji packages are optional: without them no image is an emoji.
    }
  }
  return emojiByFile.get(basename(image).toLowerCase()) ?? null;
}

/**
 * The description an image comes with: `--caption`, else a `<image>.txt`
 * beside it (its first line), else its emoji name when it is one of the
 * emoji datasets' PNGs (by file name). null when it has none.
 *
 * @example
 * imageCaption('node_modules/emoji-datasource-google/img/google/64/1f34e.png'); // { text: 'red apple', source: 'emoji' }
 */
export function imageCaption(image: string, flag?: string): { text: string; source: CaptionSource } | null {
  if (flag != null && flag.trim() !== '') return { text: flag.trim(), source: 'flag' };
  const txt = `${image}.txt`;
  if (existsSync(txt)) {
    const first = readFileSync(txt, 'utf8').split('\n')[0].trim();
    if (first !== '') return { text: first, source: 'text-file' };
  }
  const e = emojiCaption(image);
  return e != null ? { text: e, source: 'emoji' } : null;
}
