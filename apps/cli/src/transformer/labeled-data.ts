import { InputError } from '@vqct/core';
import { loadMnistDataset } from '@vqct/vq/node';

/** Fashion-MNIST's classes, in label order. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/**
 * Each class as words of the default prior (WordNet glosses + GloVe), for the
 * `words` condition: "sandal", "sneaker" and "pullover" are not in it, so the
 * nearest caption made of its words stands in.
 */
export const FASHION_MNIST_CAPTIONS = ['short shirt', 'trousers', 'warm sweater', 'dress', 'coat', 'open shoe', 'long shirt', 'sport shoe', 'bag', 'ankle boot'] as const;

/** Images with their class labels, class-interleaved (item i has class labels[i]). */
export interface LabeledImages {
  pixels: Float32Array;
  labels: Int32Array;
  count: number;
  size: number;
  channels: 1 | 3;
}

/**
 * Per class, the images [from, from + perClass) of the fashion-mnist / mnist
 * package, interleaved by class: disjoint ranges give disjoint splits.
 *
 * @example
 * const train = await labeledMnist('fashion-mnist', { size: 32, channels: 3, from: 0, perClass: 200 });
 */
export async function labeledMnist(source: string, o: { size: number; channels: 1 | 3; from: number; perClass: number }): Promise<LabeledImages> {
  if (source !== 'fashion-mnist' && source !== 'mnist') throw new InputError(`--data: class labels need fashion-mnist or mnist, got ${JSON.stringify(source)}`);
  const per = o.size * o.size * o.channels;
  const byClass: Float32Array[][] = [];
  for (let c = 0; c < 10; c++) {
    const ds = loadMnistDataset(source, { size: o.size, channels: o.channels, perClass: o.from + o.perClass, classes: [c] });
    if (ds.size < o.from + o.perClass) throw new InputError(`${source} class ${c} has ${ds.size} images; asked for ${o.from + o.perClass}`);
    const images: Float32Array[] = [];
    for (let i = o.from; i < o.from + o.perClass; i++) images.push((await ds.get(i))!);
    byClass.push(images);
  }
  const count = 10 * o.perClass;
  const pixels = new Float32Array(count * per);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    pixels.set(byClass[i % 10][Math.floor(i / 10)], i * per);
    labels[i] = i % 10;
  }
  return { pixels, labels, count, size: o.size, channels: o.channels };
}
