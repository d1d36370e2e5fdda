import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { ArrayImageDataset } from './array-dataset';
import { applyVariant, augmentedDataset, augmentVariants, describeAugment, NO_AUGMENT, parseAugment } from './augment';
import { BatchLoader } from './batch-loader';

/** A 3x4 RGB image whose pixel (y, x) holds (100y + x, 1000 + 100y + x, 2000 + 100y + x). */
function ramp(): Float32Array {
  const out = new Float32Array(3 * 4 * 3);
  for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) for (let k = 0; k < 3; k++) out[(y * 4 + x) * 3 + k] = 1000 * k + 100 * y + x;
  return out;
}
const at = (img: Float32Array, y: number, x: number, k: number): number => img[(y * 4 + x) * 3 + k];

describe('augmentation', () => {
  it('counts its variants: flips x shifts^2 x channel orders, the image itself first', () => {
    expect(augmentVariants(NO_AUGMENT, 3)).toHaveLength(1);
    expect(augmentVariants({ flip: true, shift: 2, channels: false }, 3)).toHaveLength(2 * 25);
    expect(augmentVariants({ flip: true, shift: 1, channels: true }, 3)).toHaveLength(2 * 9 * 6);
    expect(augmentVariants({ flip: false, shift: 0, channels: true }, 1)).toHaveLength(1); // gray: no colour orders
    expect(augmentVariants({ flip: true, shift: 1, channels: true }, 3)[0]).toEqual({ flip: false, dy: 0, dx: 0, order: [0, 1, 2] });
  });

  it('mirrors, shifts with the edge repeated, and reorders channels exactly', () => {
    const img = ramp();
    const flipped = applyVariant(img, 3, 4, 3, { flip: true, dy: 0, dx: 0, order: [0, 1, 2] });
    expect(at(flipped, 1, 0, 0)).toBe(103);
    expect(at(flipped, 1, 3, 2)).toBe(2100);
    const moved = applyVariant(img, 3, 4, 3, { flip: false, dy: 1, dx: -1, order: [0, 1, 2] });
    expect(at(moved, 1, 0, 0)).toBe(1); // (0, 1) moved down one, left one
    expect(at(moved, 0, 0, 0)).toBe(1); // the top row repeats the edge
    expect(at(moved, 2, 3, 0)).toBe(103); // the right column repeats the edge
    const swapped = applyVariant(img, 3, 4, 3, { flip: false, dy: 0, dx: 0, order: [2, 0, 1] });
    expect([at(swapped, 2, 1, 0), at(swapped, 2, 1, 1), at(swapped, 2, 1, 2)]).toEqual([2201, 201, 1201]);
    expect(Array.from(applyVariant(img, 3, 4, 3, augmentVariants(NO_AUGMENT, 3)[0]))).toEqual(Array.from(img));
    expect(Array.from(img)).toEqual(Array.from(ramp())); // the source is untouched
  });

  it('wraps a dataset: N x variants items, the originals first, captions of the source image', async () => {
    const images = new Float32Array([...ramp(), ...ramp().map((v) => -v)]);
    const ds = Object.assign(new ArrayImageDataset(images, { count: 2, height: 3, width: 4, channels: 3, name: 'two' }), { caption: (i: number) => ['a', 'b'][i] });
    const aug = augmentedDataset(ds, { flip: true, shift: 0, channels: false }) as typeof ds;
    expect(aug.size).toBe(4);
    expect(aug.name).toBe('two+flip');
    expect(Array.from((await aug.get(1))!)).toEqual(Array.from((await ds.get(1))!));
    expect(at((await aug.get(3))!, 0, 0, 0)).toBe(-3); // image 1, mirrored
    expect([0, 1, 2, 3].map((i) => aug.caption(i))).toEqual(['a', 'b', 'a', 'b']);
    expect(augmentedDataset(ds, NO_AUGMENT)).toBe(ds);
  });

  it('resumes exactly: a loader restarted from its state gives the same augmented batches', async () => {
    const ds = new ArrayImageDataset(Float32Array.from({ length: 5 * 36 }, (_, i) => i % 97), { count: 5, height: 3, width: 4, channels: 3, name: 'five' });
    const aug = augmentedDataset(ds, { flip: true, shift: 1, channels: true });
    const before = tf.memory().numTensors;
    const a = new BatchLoader(aug, { batchSize: 4, seed: 7 });
    (await a.next()).dispose();
    const saved = a.state();
    const next = await a.next();
    const again = await new BatchLoader(aug, { batchSize: 4, state: saved }).next();
    expect(Array.from(again.dataSync())).toEqual(Array.from(next.dataSync()));
    tf.dispose([next, again]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads and writes the --augment list, and names a bad part', () => {
    expect(parseAugment('flip,shift:1')).toEqual({ flip: true, shift: 1, channels: false });
    expect(parseAugment('shift')).toEqual({ flip: false, shift: 2, channels: false });
    expect(parseAugment('none')).toEqual(NO_AUGMENT);
    const all = { flip: true, shift: 3, channels: true };
    expect(parseAugment(describeAugment(all))).toEqual(all);
    expect(() => parseAugment('flip,wobble')).toThrow(ConfigError);
    expect(() => parseAugment('flip,wobble')).toThrow(/unknown part "wobble"/);
    expect(() => parseAugment('shift:0')).toThrow(/shift must be 1\.\.8 pixels/);
  });
});
