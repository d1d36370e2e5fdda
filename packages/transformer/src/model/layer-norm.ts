import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '@vqct/vq';

/**
 * LayerNorm over the last axis (PyTorch's: biased variance, eps 1e-5), gamma 1, beta 0.
 *
 * @example
 * const ln = new LayerNorm(store, 'h.0.ln_1', 128);
 * const y = ln.apply(x); // [b, t, 128]
 */
export class LayerNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(store: ParamStore, name: string, readonly features: number, readonly epsilon = 1e-5) {
    this.gamma = store.create(`${name}.gamma`, [features], { kind: 'constant', value: 1 });
    this.beta = store.create(`${name}.beta`, [features], { kind: 'constant', value: 0 });
  }

  /** @param x [..., features] */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normed, this.gamma), this.beta);
    });
  }
}
