/**
 * Build-time assets that come from packages rather than from public/: the
 * shipped emoji-32 tokenizer (the four files of @vqct/models' weights/emoji-32/,
 * served as models/emoji-32/) and a few held-out emoji as samples
 * (samples/emoji/*.png + samples/emoji.json, from @vqct/vq/node's emoji
 * dataset, held-out split, composited on white at the model's resolution).
 * The same bytes are served by the dev server and emitted into dist/.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** The model the playground opens on, and how many held-out emoji it shows. */
export const SHIPPED_MODEL = 'emoji-32';
export const EMOJI_SAMPLES = 12;

/** One sample of samples/emoji.json: the file, what it is, its licence. */
export interface EmojiSample {
  file: string;
  label: string;
  caption: string;
  kind: 'emoji';
  license: string;
}

const LICENSES: Record<string, string> = {
  google: 'Noto Emoji (emoji-datasource-google), Copyright Google Inc., Apache-2.0',
  twitter: 'Twemoji (emoji-datasource-twitter), Copyright Twitter, Inc and other contributors, CC-BY 4.0',
};

function modelFiles(): Map<string, Uint8Array> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@vqct/models/package.json')), 'weights', SHIPPED_MODEL);
  const names = [`${SHIPPED_MODEL}.safetensors`, `${SHIPPED_MODEL}.json`, 'prior.safetensors', 'card.json'];
  return new Map(names.map((n) => [`models/${SHIPPED_MODEL}/${n}`, new Uint8Array(readFileSync(join(dir, n)))]));
}

/** Held-out emoji at the shipped model's resolution (read from its card, never assumed). */
async function emojiSamples(resolution: number): Promise<Map<string, Uint8Array>> {
  const { loadEmojiDataset } = await import('@vqct/vq/node');
  const sharp = (await import('sharp')).default;
  const held = await loadEmojiDataset({ size: resolution, split: 'heldout' });
  // Base emoji only (skin-tone variants repeat them), spread evenly over the split (both styles).
  const base = held.items.map((it, i) => ({ it, i })).filter(({ it }) => it.unified === it.base);
  const picks = Array.from({ length: Math.min(EMOJI_SAMPLES, base.length) }, (_, j) => base[Math.floor((j * base.length) / Math.min(EMOJI_SAMPLES, base.length))].i);
  const out = new Map<string, Uint8Array>();
  const list: EmojiSample[] = [];
  for (const i of picks) {
    const px = (await held.get(i))!;
    const bytes = Uint8Array.from(px, (v) => Math.round((v + 1) * 127.5));
    const item = held.items[i];
    const file = `emoji/${item.style}-${item.unified.toLowerCase()}.png`;
    out.set(`samples/${file}`, new Uint8Array(await sharp(bytes, { raw: { width: resolution, height: resolution, channels: 3 } }).png().toBuffer()));
    list.push({ file, label: `${item.caption} (held-out emoji, ${item.style})`, caption: item.caption, kind: 'emoji', license: LICENSES[item.style] });
  }
  out.set('samples/emoji.json', new TextEncoder().encode(`${JSON.stringify(list, null, 2)}\n`));
  return out;
}

async function collect(): Promise<Map<string, Uint8Array>> {
  const model = modelFiles();
  const card = JSON.parse(new TextDecoder().decode(model.get(`models/${SHIPPED_MODEL}/card.json`))) as { resolution: number };
  return new Map([...model, ...(await emojiSamples(card.resolution))]);
}

const TYPES: Record<string, string> = { '.png': 'image/png', '.json': 'application/json' };

/** The Vite plugin: serves the assets in dev, emits them on build. */
export function shippedAssets(): Plugin {
  let files: Promise<Map<string, Uint8Array>> | null = null;
  const all = (): Promise<Map<string, Uint8Array>> => (files ??= collect());
  return {
    name: 'vqct-shipped-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\//, '');
        void all().then((m) => {
          const body = m.get(path);
          if (body == null) return next();
          res.setHeader('content-type', TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream');
          res.end(body);
        }, next);
      });
    },
    async generateBundle() {
      for (const [fileName, source] of await all()) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
