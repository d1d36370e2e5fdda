import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../param-store';

/**
 * GroupNorm as taming's `Normalize`: 32 groups, eps 1e-6, affine
 * (`<name>.gamma` ones, `<name>.beta` zeros).
 *
 * @example
 * const norm = new GroupNorm(store, 'encoder.norm_out', 256);
 * const y = norm.apply(x); // [b, h, w, 256]
 */
export class GroupNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(store: ParamStore, name: string, readonly channels: number, readonly groups = 32, readonly epsilon = 1e-6) {
    this.gamma = store.create(`${name}.gamma`, [channels], { kind: 'constant', value: 1 });
    this.beta = store.create(`${name}.beta`, [channels], { kind: 'constant', value: 0 });
  }

  /** @param x [b, h, w, c] */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape;
      const grouped = tf.reshape(x, [b, h * w, this.groups, c / this.groups]);
      const { mean, variance } = tf.moments(grouped, [1, 3], true);
      const normed = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, tf.scalar(this.epsilon))));
      return tf.add(tf.mul(tf.reshape(normed, [b, h, w, c]), this.gamma), this.beta) as tf.Tensor4D;
    });
  }
}

/** swish / SiLU: x * sigmoid(x). */
export function swish<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
}
