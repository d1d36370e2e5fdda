import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageFolderDataset } from './image-folder';
import { loadMnistDataset } from './mnist-datasets';

describe('datasets', () => {
  it('reads PNG/JPEG/WebP with resize + center-crop to RGB [-1, 1], skipping and counting corrupt files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-imgs-'));
    // 40x20: left half red, right half blue; center-crop to a square keeps the middle.
    const w = 40, h = 20;
    const px = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      if (x < w / 2) px[i] = 255; else px[i + 2] = 255;
    }
    const raw = { raw: { width: w, height: h, channels: 3 as const } };
    await sharp(px, raw).png().toFile(join(dir, 'a.png'));
    await sharp(px, raw).jpeg({ quality: 95 }).toFile(join(dir, 'b.jpg'));
    await sharp(px, raw).webp({ lossless: true }).toFile(join(dir, 'c.webp'));
    await sharp(Buffer.alloc(8 * 8, 128), { raw: { width: 8, height: 8, channels: 1 } }).png().toFile(join(dir, 'd-gray.png'));
    writeFileSync(join(dir, 'e-corrupt.png'), Buffer.from('not a png at all'));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const ds = await ImageFolderDataset.open(dir, { size: 8 });
    expect(ds.size).toBe(5);
    const images: Float32Array[] = [];
    for await (const img of ds) images.push(img);
    expect(images.length).toBe(4);
    expect(ds.skipped.map((s) => s.file)).toEqual([join(dir, 'e-corrupt.png')]);
    const png = images[0];
    expect(png.length).toBe(8 * 8 * 3);
    expect(Math.min(...png)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...png)).toBeLessThanOrEqual(1);
    // Top-left pixel red, top-right blue after the center crop.
    expect(Array.from(png.slice(0, 3))).toEqual([1, -1, -1]);
    expect(Array.from(png.slice(7 * 3, 8 * 3))).toEqual([-1, -1, 1]);
    expect(images[3][0]).toBeCloseTo(128 / 127.5 - 1, 5); // gray expanded to RGB
    expect(images[3][1]).toBe(images[3][0]);
    await expect(ImageFolderDataset.open(join(dir, 'missing'), { size: 8 })).rejects.toThrow(/cannot list image folder/);
  });

  it('loads the real fashion-mnist and mnist images, resized and as RGB', async () => {
    const f = loadMnistDataset('fashion-mnist', { size: 32, channels: 3, perClass: 5, classes: [0, 9] });
    expect(f.size).toBe(10);
    const img = (await f.get(0))!;
    expect(img.length).toBe(32 * 32 * 3);
    expect(Math.min(...img)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...img)).toBeGreaterThan(0.5); // a real garment has bright pixels
    expect(img[0]).toBe(-1); // and a black border
    const m = loadMnistDataset('mnist', { perClass: 3 });
    expect(m.size).toBe(30);
    expect((await m.get(0))!.length).toBe(28 * 28);
  });

  it('skips the empty entries of the fashion-mnist package (no NaN images)', async () => {
    const f = loadMnistDataset('fashion-mnist', { size: 8, channels: 1, perClass: 1001, classes: [0] });
    expect(f.size).toBe(1001);
    const img = (await f.get(1000))!;
    expect(img.every((v) => Number.isFinite(v))).toBe(true);
  });
});
