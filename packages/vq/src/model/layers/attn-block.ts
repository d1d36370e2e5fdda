import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../param-store';
import { Conv2d } from './conv2d';
import { GroupNorm } from './group-norm';

/**
 * taming's single-head AttnBlock over all h*w positions: GroupNorm, 1x1 q/k/v,
 * softmax(q k^T / sqrt(c)) v, 1x1 proj_out, plus the input.
 *
 * @example
 * const attn = new AttnBlock(store, 'encoder.mid.attn_1', 256);
 * const y = attn.apply(x); // [b, h, w, 256]
 */
export class AttnBlock {
  private readonly norm: GroupNorm;
  private readonly q: Conv2d;
  private readonly k: Conv2d;
  private readonly v: Conv2d;
  private readonly proj: Conv2d;

  constructor(store: ParamStore, name: string, readonly channels: number) {
    this.norm = new GroupNorm(store, `${name}.norm`, channels);
    this.q = new Conv2d(store, `${name}.q`, channels, channels, { kernelSize: 1 });
    this.k = new Conv2d(store, `${name}.k`, channels, channels, { kernelSize: 1 });
    this.v = new Conv2d(store, `${name}.v`, channels, channels, { kernelSize: 1 });
    this.proj = new Conv2d(store, `${name}.proj_out`, channels, channels, { kernelSize: 1 });
  }

  /** @param x [b, h, w, c] */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape;
      const n = this.norm.apply(x);
      const q = tf.reshape(this.q.apply(n), [b, h * w, c]);
      // k^T materialized: matMul with transpose flags is ~13x slower on wasm.
      const kT = tf.transpose(tf.reshape(this.k.apply(n), [b, h * w, c]), [0, 2, 1]);
      const v = tf.reshape(this.v.apply(n), [b, h * w, c]);
      const weights = tf.softmax(tf.mul(tf.matMul(q, kT), tf.scalar(1 / Math.sqrt(c))));
      const attended = tf.reshape(tf.matMul(weights, v), [b, h, w, c]) as tf.Tensor4D;
      return tf.add(x, this.proj.apply(attended)) as tf.Tensor4D;
    });
  }
}
