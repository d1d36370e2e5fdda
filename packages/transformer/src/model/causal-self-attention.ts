import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, ParamStore } from '@vqct/vq';
import type { KvCache } from './kv-cache';
import { Linear } from './linear';

/** Upper-triangular -1e9 (future positions), built once per length. */
function causalBias(t: number): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = tf.reshape(tf.range(0, t, 1, 'int32'), [t, 1]);
    const cols = tf.reshape(tf.range(0, t, 1, 'int32'), [1, t]);
    return tf.mul(tf.cast(tf.greater(cols, rows), 'float32'), -1e9) as tf.Tensor2D;
  });
}

/**
 * Multi-head causal self-attention (minGPT's): one q/k/v projection, softmax
 * over earlier positions only, attention dropout, output projection,
 * residual dropout. `step` feeds one position against a KvCache.
 *
 * @example
 * const attn = new CausalSelfAttention(store, 'h.0.attn', 128, 4, { attention: 0.1, residual: 0.1 }, 4);
 * const y = attn.apply(x, ctx); // x [b, t, 128]
 */
export class CausalSelfAttention {
  private readonly qkv: Linear;
  private readonly proj: Linear;
  private readonly headSize: number;

  constructor(
    store: ParamStore,
    name: string,
    readonly embedding: number,
    readonly heads: number,
    readonly dropout: { attention: number; residual: number },
    layers: number,
  ) {
    this.headSize = embedding / heads;
    this.qkv = new Linear(store, `${name}.c_attn`, embedding, 3 * embedding);
    // GPT-2: residual projections scaled by 1/sqrt(2 * layers).
    this.proj = new Linear(store, `${name}.c_proj`, embedding, embedding, 0.02 / Math.sqrt(2 * layers));
  }

  /** [b, t, 3d] -> q, k, v as [b * heads, t, headSize]. */
  private split(x: tf.Tensor): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
    const [b, t] = x.shape;
    const { heads, headSize, embedding } = this;
    return tf.split(this.qkv.apply(x), [embedding, embedding, embedding], 2).map((part) =>
      tf.reshape(tf.transpose(tf.reshape(part, [b, t, heads, headSize]), [0, 2, 1, 3]), [b * heads, t, headSize]),
    ) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  }

  /** [b * heads, t, headSize] -> [b, t, d] -> output projection (+ residual dropout). */
  private merge(y: tf.Tensor3D, b: number, ctx: ForwardContext): tf.Tensor {
    const t = y.shape[1];
    const merged = tf.reshape(tf.transpose(tf.reshape(y, [b, this.heads, t, this.headSize]), [0, 2, 1, 3]), [b, t, this.embedding]);
    return this.drop(this.proj.apply(merged), this.dropout.residual, ctx);
  }

  private drop(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
    return ctx.training && rate > 0 ? tf.dropout(x, rate, undefined, ctx.nextSeed()) : x;
  }

  /** Full causal pass. @param x [b, t, d] @returns [b, t, d] */
  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const [b, t] = x.shape;
      const [q, k, v] = this.split(x);
      // k^T materialized: matMul with transpose flags is much slower on wasm.
      const scores = tf.add(tf.mul(tf.matMul(q, tf.transpose(k, [0, 2, 1])), 1 / Math.sqrt(this.headSize)), causalBias(t));
      const weights = this.drop(tf.softmax(scores), this.dropout.attention, ctx);
      return this.merge(tf.matMul(weights, v), b, ctx);
    });
  }

  /** One new position against the cache of `layer` (appended to it). @param x [b, 1, d] @returns [b, 1, d] */
  step(x: tf.Tensor, cache: KvCache, layer: number, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const b = x.shape[0];
      const [q, k, v] = this.split(x);
      const all = cache.append(layer, tf.transpose(k, [0, 2, 1]), v);
      const scores = tf.mul(tf.matMul(q, all.keysT), 1 / Math.sqrt(this.headSize));
      const weights = this.drop(tf.softmax(scores), this.dropout.attention, ctx);
      return this.merge(tf.matMul(weights, all.values), b, ctx);
    });
  }
}
