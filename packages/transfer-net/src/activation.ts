import * as tf from '@tensorflow/tfjs-core';
import type { TransferNetActivation } from './options';

/** Applies a hidden layer's activation. Auto-scoped by tfjs: no intermediates leak. */
export function activate(x: tf.Tensor2D, name: TransferNetActivation): tf.Tensor2D {
  switch (name) {
    case 'relu': return tf.relu(x);
    case 'leakyRelu': return tf.leakyRelu(x, 0.01);
    case 'elu': return tf.elu(x);
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'swish': return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
    case 'linear': return x;
  }
}
