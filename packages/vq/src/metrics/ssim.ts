import * as tf from '@tensorflow/tfjs-core';

function gaussianWindow(size: number, sigma: number, channels: number): tf.Tensor4D {
  const g: number[] = [];
  const half = (size - 1) / 2;
  for (let i = 0; i < size; i++) g.push(Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  const w = new Float32Array(size * size * channels);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      for (let c = 0; c < channels; c++) w[(i * size + j) * channels + c] = (g[i] / s) * (g[j] / s);
    }
  }
  return tf.tensor4d(w, [size, size, channels, 1]);
}

/**
 * SSIM per image (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5,
 * K1 0.01, K2 0.03, valid positions only), averaged over channels, for images
 * in [-1, 1] (mapped to [0, 1] first). Windows shrink for images smaller
 * than 11 pixels. Returns a new tensor.
 *
 * @param x [b, h, w, c]
 * @param y [b, h, w, c]
 * @returns [b]
 * @example
 * const s = ssim(images, recon); // [b], 1 for identical images
 */
export function ssim(x: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const c = x.shape[3];
    const size = Math.min(11, x.shape[1], x.shape[2]);
    const win = gaussianWindow(size, 1.5, c);
    const a = tf.mul(tf.add(x, 1), 0.5) as tf.Tensor4D;
    const b = tf.mul(tf.add(y, 1), 0.5) as tf.Tensor4D;
    const blur = (t: tf.Tensor4D): tf.Tensor4D => tf.depthwiseConv2d(t, win, 1, 'valid');
    const muA = blur(a);
    const muB = blur(b);
    const muA2 = tf.square(muA);
    const muB2 = tf.square(muB);
    const muAB = tf.mul(muA, muB);
    const sA = tf.sub(blur(tf.square(a) as tf.Tensor4D), muA2);
    const sB = tf.sub(blur(tf.square(b) as tf.Tensor4D), muB2);
    const sAB = tf.sub(blur(tf.mul(a, b) as tf.Tensor4D), muAB);
    const c1 = 0.01 ** 2;
    const c2 = 0.03 ** 2;
    const num = tf.mul(tf.add(tf.mul(muAB, 2), c1), tf.add(tf.mul(sAB, 2), c2));
    const den = tf.mul(tf.add(tf.add(muA2, muB2), c1), tf.add(tf.add(sA, sB), c2));
    return tf.mean(tf.div(num, den), [1, 2, 3]) as tf.Tensor1D;
  });
}
