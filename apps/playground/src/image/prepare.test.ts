import { describe, expect, it } from 'vitest';
import { centerSquare, prepareImage, psnr, toRgba } from './prepare';

function rgba(width: number, height: number, f: (x: number, y: number) => [number, number, number, number]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 4);
  return { data, width, height };
}

describe('prepareImage', () => {
  it('crops the centred square of a wide image', () => {
    expect(centerSquare(256, 171)).toEqual({ x: 42, y: 0, size: 171 });
    // Left third red, middle third green, right third blue: the crop keeps only green.
    const img = rgba(9, 3, (x) => (x < 3 ? [255, 0, 0, 255] : x < 6 ? [0, 255, 0, 255] : [0, 0, 255, 255]));
    const out = prepareImage(img, 3, 3, 3);
    for (let i = 0; i < 9; i++) expect(Array.from(out.data.subarray(i * 3, i * 3 + 3))).toEqual([-1, 1, -1]);
  });

  it('averages areas when shrinking and keeps values when the size already fits', () => {
    const checker = rgba(4, 4, (x, y) => ((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const half = prepareImage(checker, 2, 2, 1);
    for (const v of half.data) expect(v).toBeCloseTo(0, 5);
    const same = prepareImage(checker, 4, 4, 1);
    expect(Array.from(same.data)).toEqual([-1, 1, -1, 1, 1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, -1]);
  });

  it('upsamples 28x28 to 32x32 without leaving [-1, 1]', () => {
    const img = rgba(28, 28, (x, y) => [x * 9, y * 9, 128, 255]);
    const out = prepareImage(img, 32, 32, 3);
    expect(out.data.length).toBe(32 * 32 * 3);
    expect(Math.min(...out.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...out.data)).toBeLessThanOrEqual(1);
    expect(out.data[0]).toBeCloseTo(-1, 5);
  });

  it('composites transparency over white and turns RGB into luma for grey models', () => {
    const img = rgba(1, 1, () => [0, 0, 0, 0]);
    expect(Array.from(prepareImage(img, 1, 1, 1).data)).toEqual([1]);
    const red = rgba(1, 1, () => [255, 0, 0, 255]);
    expect(prepareImage(red, 1, 1, 1).data[0]).toBeCloseTo((0.299 * 255) / 127.5 - 1, 5);
  });

  it('rejects empty or inconsistent pixels', () => {
    expect(() => prepareImage({ data: new Uint8ClampedArray(0), width: 0, height: 0 }, 2, 2, 3)).toThrow(/empty/);
    expect(() => prepareImage({ data: new Uint8ClampedArray(8), width: 3, height: 3 }, 2, 2, 3)).toThrow(/does not match/);
  });

  it('round-trips to RGBA bytes and measures PSNR', () => {
    const img = prepareImage(rgba(2, 1, () => [10, 200, 30, 255]), 1, 2, 3);
    expect(Array.from(toRgba(img))).toEqual([10, 200, 30, 255, 10, 200, 30, 255]);
    expect(psnr(img, img)).toBe(Infinity);
    const off = { ...img, data: img.data.map((v) => v + 0.02) };
    expect(psnr(img, off)).toBeCloseTo(10 * Math.log10(4 / 0.0004), 3);
  });
});
