import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import type { TrainableTokenizer } from '../types';

/**
 * A tiny conv autoencoder with the TrainableTokenizer shape, for testing the
 * training machinery without the VQGAN model (not exported). Tokens are the
 * argmax channel of the latent, split into 2 adjective slots and a noun.
 */
export function createToyTokenizer(channels: number, seed = 1): TrainableTokenizer & { dispose(): void } {
  const rng = new Rng(seed);
  const init = (shape: number[], std: number, name: string): tf.Variable => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = std * rng.normal();
    return tf.tidy(() => tf.variable(tf.tensor(data, shape), true, `toy${seed}.${name}.${Math.floor(rng.next() * 1e9)}`));
  };
  const vars = {
    'enc.kernel': init([3, 3, channels, 4], 0.3, 'enc'),
    'enc.bias': tf.tidy(() => tf.variable(tf.zeros([4]), true, `toy${seed}.encb.${Math.floor(rng.next() * 1e9)}`)),
    'dec.kernel': init([3, 3, 4, channels], 0.3, 'dec'),
    'dec.bias': tf.tidy(() => tf.variable(tf.zeros([channels]), true, `toy${seed}.decb.${Math.floor(rng.next() * 1e9)}`)),
  };
  let steps = 0;
  return {
    forward(images, options) {
      const [, h, w] = images.shape;
      const z = tf.tanh(tf.add(tf.conv2d(images, vars['enc.kernel'] as tf.Tensor4D, 2, 'same'), vars['enc.bias']));
      const up = tf.image.resizeNearestNeighbor(z as tf.Tensor4D, [h, w]);
      const reconstruction = tf.add(tf.conv2d(up, vars['dec.kernel'] as tf.Tensor4D, 1, 'same'), vars['dec.bias']) as tf.Tensor4D;
      const quantLoss = tf.mul(tf.mean(tf.square(z)), 0.01) as tf.Scalar;
      const arg = tf.argMax(z, -1);
      const tokens = tf.stack([arg, tf.sub(tf.scalar(3, 'int32'), arg), arg], -1);
      return { reconstruction, quantLoss, tokens, ...(options.keepLastLayerInput === true ? { lastLayerInput: up } : {}) };
    },
    trainableVariables: () => Object.values(vars),
    lastLayerWeight: () => vars['dec.kernel'],
    lastLayerWeightGrad: (input, dy) => tf.grad((k) => tf.sum(tf.mul(tf.conv2d(input, k as tf.Tensor4D, 1, 'same'), dy)))(vars['dec.kernel']),
    namedWeights: () => ({ ...vars }),
    afterStep: () => { steps += 1; },
    dispose: () => tf.dispose(Object.values(vars)),
  };
}
