import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '@vqct/vq';

/**
 * y = x W + b over the last axis, W ~ N(0, std) (GPT-2's init), b = 0.
 *
 * @example
 * const fc = new Linear(store, 'h.0.mlp.c_fc', 128, 512);
 * const y = fc.apply(x); // x [b, t, 128] -> [b, t, 512]
 */
export class Linear {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParamStore, name: string, readonly inFeatures: number, readonly outFeatures: number, std = 0.02) {
    this.kernel = store.create(`${name}.kernel`, [inFeatures, outFeatures], { kind: 'normal', std });
    this.bias = store.create(`${name}.bias`, [outFeatures], { kind: 'constant', value: 0 });
  }

  /** @param x [..., inFeatures] @returns [..., outFeatures] */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const flat = tf.reshape(x, [-1, this.inFeatures]);
      return tf.reshape(tf.add(tf.matMul(flat, this.kernel), this.bias), [...lead, this.outFeatures]);
    });
  }
}
