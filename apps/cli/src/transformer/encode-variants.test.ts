import * as tf from '@tensorflow/tfjs-core';
import { applyVariant, augmentVariants, createVqModel, resolveVqModelConfig } from '@vqct/vq';
import { describe, expect, it } from 'vitest';
import { encodeImages } from './encode-images';
import { encodeVariants } from './encode-variants';

describe('encodeVariants', () => {
  it('encodes every variant of every image, variant-major, each as the image changed by hand', async () => {
    const { useNodeBackend } = await import('@vqct/backend-node');
    await useNodeBackend({ backend: 'wasm', threads: 1 });
    const before = tf.memory().numTensors;
    const model = createVqModel(resolveVqModelConfig({ preset: 'tiny', quantizer: 'vq' }), { seed: 1 });
    const [size, channels, count] = [32, 3, 3];
    const per = size * size * channels;
    // Each image is brighter on its left: a mirror is a different image.
    const pixels = new Float32Array(count * per).map((_, j) => Math.sin(j * 0.731) * 0.5 + (((j / channels) % size) < size / 2 ? 0.4 : -0.4));
    const images = { pixels, count, size, channels };
    const augment = { flip: true, shift: 1, channels: false };

    const plain = await encodeVariants(model, images, null);
    expect(plain.variants).toBe(1);
    expect(Array.from(plain.grids)).toEqual(Array.from(await encodeImages(model, pixels, count, size, channels)));

    const { grids, variants } = await encodeVariants(model, images, augment);
    const all = augmentVariants(augment, channels);
    expect(variants).toBe(all.length);
    expect(variants).toBe(18);
    const gridLength = plain.grids.length / count;
    expect(grids.length).toBe(variants * count * gridLength);
    expect(Array.from(grids.subarray(0, count * gridLength))).toEqual(Array.from(plain.grids));
    const mirror = all.findIndex((v) => v.flip && v.dx === 0 && v.dy === 0);
    for (const v of [mirror, variants - 1]) {
      const byHand = new Float32Array(count * per);
      for (let i = 0; i < count; i++) byHand.set(applyVariant(pixels.subarray(i * per, (i + 1) * per), size, size, channels, all[v]), i * per);
      const expected = await encodeImages(model, byHand, count, size, channels);
      expect(Array.from(grids.subarray(v * count * gridLength, (v + 1) * count * gridLength))).toEqual(Array.from(expected));
    }
    // The mirror's tokens are not the image's own.
    expect(Array.from(grids.subarray(mirror * count * gridLength, (mirror + 1) * count * gridLength))).not.toEqual(Array.from(plain.grids));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
