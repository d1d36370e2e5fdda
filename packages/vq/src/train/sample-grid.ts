import * as tf from '@tensorflow/tfjs-core';

/** An RGB or gray image as bytes, for the CLI to write as PNG. */
export interface SampleGrid {
  width: number;
  height: number;
  channels: number;
  /** HWC uint8. */
  data: Uint8Array;
}

/**
 * Two rows: the inputs on top, their reconstructions below, pixels mapped
 * from [-1, 1] to [0, 255].
 *
 * @param inputs [n, h, w, c]
 * @param recons [n, h, w, c]
 * @example
 * const grid = sampleGrid(x, recon); // { width: n * w, height: 2 * h, ... }
 */
export function sampleGrid(inputs: tf.Tensor4D, recons: tf.Tensor4D): SampleGrid {
  const [n, h, w, c] = inputs.shape;
  const bytes = tf.tidy(() => {
    const both = tf.concat([inputs, recons], 0); // [2n, h, w, c]
    const rows = tf.reshape(both, [2, n, h, w, c]);
    const grid = tf.reshape(tf.transpose(rows, [0, 2, 1, 3, 4]), [2 * h, n * w, c]);
    return tf.round(tf.mul(tf.add(tf.clipByValue(grid, -1, 1), 1), 127.5));
  });
  const data = Uint8Array.from(bytes.dataSync());
  bytes.dispose();
  return { width: n * w, height: 2 * h, channels: c, data };
}
