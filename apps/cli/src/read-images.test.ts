import type { ImageDataset } from '@vqct/vq';
import { describe, expect, it } from 'vitest';
import { readImageRange } from './read-images';

// Five 1x2x1 images whose pixels are their index; image 2 cannot be read.
const ds: ImageDataset = {
  name: 'five', size: 5, height: 1, width: 2, channels: 1,
  get: async (i) => (i === 2 ? null : Float32Array.of(i, i)),
};

describe('readImageRange', () => {
  it('packs the readable images of the range in order, skipping unreadable ones, clamped to the dataset', async () => {
    const r = await readImageRange(ds, 1, 9);
    expect(r.count).toBe(3);
    expect(r.indices).toEqual([1, 3, 4]);
    expect(Array.from(r.pixels)).toEqual([1, 1, 3, 3, 4, 4]);
    expect((await readImageRange(ds, 2, 3)).count).toBe(0);
  });
});
