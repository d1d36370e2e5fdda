import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@vqct/core';
import { readImage } from './images';

/**
 * Reads image files into one batch [n, size, size, channels] in [-1, 1]; the
 * caller disposes it. `size` must be a multiple of the model's downsampling factor.
 *
 * @example
 * const x = await readImageBatch(['a.png', 'b.jpg'], 32, 3, 4);
 */
export async function readImageBatch(files: string[], size: number, channels: 1 | 3, factor: number, background?: string): Promise<tf.Tensor4D> {
  if (size % factor !== 0) throw new InputError(`--size ${size} is not a multiple of the model's downsampling factor ${factor}`);
  const per = size * size * channels;
  const flat = new Float32Array(files.length * per);
  for (let i = 0; i < files.length; i++) flat.set(await readImage(files[i], size, channels, background), i * per);
  return tf.tensor4d(flat, [files.length, size, size, channels]);
}
