import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseBackground } from './background';
import { emojiCaptions, isHeldOutEmoji, listEmojiImages, splitEmojiImages } from './emoji-catalog';
import { loadEmojiDataset } from './emoji-dataset';
import { ImageFolderDataset } from './image-folder';

const all = listEmojiImages();
const apple = (style: 'google' | 'twitter') => all.find((i) => i.base === '1F34E' && i.style === style)!;

describe('emoji catalog', () => {
  it('lists the real 64x64 PNGs of both sets with captions; skin tones share their base emoji', () => {
    for (const style of ['google', 'twitter'] as const) {
      const imgs = all.filter((i) => i.style === style);
      expect(imgs.length).toBeGreaterThan(3500);
      expect(imgs.every((i) => i.file.includes(`emoji-datasource-${style}`))).toBe(true);
    }
    expect(existsSync(apple('google').file)).toBe(true);
    expect(apple('google').caption).toBe('red apple');
    expect(apple('twitter').keywords).toContain('apple');
    const santa = all.filter((i) => i.base === '1F385' && i.style === 'google');
    expect(santa.map((i) => i.caption)).toEqual([
      'father christmas', 'father christmas, light skin tone', 'father christmas, medium-light skin tone',
      'father christmas, medium skin tone', 'father christmas, medium-dark skin tone', 'father christmas, dark skin tone',
    ]);
  });

  it('splits by emoji: deterministic, ~10% held out, disjoint, the same emoji held out in every style and skin tone', () => {
    const held = splitEmojiImages(all, 'heldout', 0.1);
    const train = splitEmojiImages(all, 'train', 0.1);
    expect(held.length + train.length).toBe(all.length);
    const heldBases = new Set(held.map((i) => i.base));
    expect(train.some((i) => heldBases.has(i.base))).toBe(false);
    const bases = new Set(all.map((i) => i.base));
    expect(heldBases.size / bases.size).toBeGreaterThan(0.07);
    expect(heldBases.size / bases.size).toBeLessThan(0.13);
    // Every held-out image's emoji is held out in both styles, with every skin tone.
    const key = (i: { base: string; unified: string; style: string }) => `${i.style}:${i.unified}`;
    const heldKeys = new Set(held.map(key));
    for (const i of all) expect(heldKeys.has(key(i))).toBe(heldBases.has(i.base));
    // The order of the list does not matter; the answer is a function of the code points.
    const reversed = splitEmojiImages([...all].reverse(), 'heldout', 0.1).map(key).sort();
    expect(reversed).toEqual([...heldKeys].sort());
    expect(isHeldOutEmoji('1f34e', 0.1)).toBe(isHeldOutEmoji('1F34E', 0.1));
    expect(() => splitEmojiImages(all, 'train', 1)).toThrow(/held-out fraction/);
  });

  it('gives a caption corpus of names and short names, one per emoji, without skin tones', () => {
    const c = emojiCaptions();
    expect(c).toContain('red apple');
    expect(c).toContain('open mailbox with lowered flag');
    expect(c.some((t) => t.includes('light skin tone') || t.includes('dark skin tone'))).toBe(false);
    expect(c.length).toBeGreaterThan(2000);
    expect(c.filter((t) => t === 'red apple').length).toBe(1); // once, though both styles draw it
  });
});

describe('emoji dataset and alpha', () => {
  it('the PNGs really are transparent, and are composited over the background', async () => {
    const { data, info } = await sharp(apple('google').file).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0); // top-left pixel fully transparent
    const dir = mkdtempSync(join(tmpdir(), 'vqct-emoji-'));
    copyFileSync(apple('google').file, join(dir, 'apple.png'));
    for (const [bg, rgb] of [['white', [1, 1, 1]], ['black', [-1, -1, -1]], ['#ff0000', [1, -1, -1]]] as const) {
      const ds = await ImageFolderDataset.open(dir, { size: 16, background: bg });
      const img = (await ds.get(0))!;
      expect(Array.from(img.slice(0, 3))).toEqual(rgb);
      const c = (8 * 16 + 8) * 3; // the apple itself is red whatever the background
      expect(img[c]).toBeGreaterThan(0.3);
      expect(img[c + 1]).toBeLessThan(0);
    }
    expect(() => parseBackground('transparent')).toThrow(/background must be/);
  });

  it('loads composited, resized images with captions, split by emoji', async () => {
    const train = await loadEmojiDataset({ size: 16, split: 'train', limit: 40 });
    const held = await loadEmojiDataset({ size: 16, split: 'heldout', limit: 40, background: 'black' });
    expect(train.size).toBe(40);
    expect([train.height, train.width, train.channels]).toEqual([16, 16, 3]);
    expect(train.name).toBe('emoji:google+twitter:train');
    const trainBases = new Set(train.items.map((i) => i.base));
    expect(held.items.some((i) => trainBases.has(i.base))).toBe(false);
    expect(held.items.every((i) => isHeldOutEmoji(i.base, 0.1))).toBe(true);
    expect(held.caption(0)).toBe(held.items[0].caption);
    // Corners are background (up to anti-aliasing) in nearly every emoji: white for train, black for held.
    const corner = async (ds: typeof train, v: number) => {
      let n = 0;
      for (let i = 0; i < ds.size; i++) if (Math.abs((await ds.get(i))![0] - v) < 0.3) n += 1;
      return n / ds.size;
    };
    expect(await corner(train, 1)).toBeGreaterThan(0.9);
    expect(await corner(held, -1)).toBeGreaterThan(0.9);
    const img = (await train.get(0))!;
    expect(Math.min(...img)).toBeLessThan(0); // not all background
  });
});
