import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, ParamStore } from '@vqct/vq';
import { CausalSelfAttention } from './causal-self-attention';
import { gelu } from './gelu';
import type { KvCache } from './kv-cache';
import { LayerNorm } from './layer-norm';
import { Linear } from './linear';
import type { TransformerConfig } from '../config/options';

/**
 * A pre-norm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)),
 * the MLP 4x wide with GELU and residual dropout.
 *
 * @example
 * const block = new Block(store, 'h.0', config);
 * const y = block.apply(x, ctx); // [b, t, d]
 */
export class Block {
  private readonly ln1: LayerNorm;
  private readonly ln2: LayerNorm;
  private readonly attn: CausalSelfAttention;
  private readonly fc: Linear;
  private readonly proj: Linear;

  constructor(store: ParamStore, name: string, readonly config: TransformerConfig) {
    const d = config.embedding;
    this.ln1 = new LayerNorm(store, `${name}.ln_1`, d);
    this.attn = new CausalSelfAttention(store, `${name}.attn`, d, config.heads,
      { attention: config.attentionDropout, residual: config.residualDropout }, config.layers);
    this.ln2 = new LayerNorm(store, `${name}.ln_2`, d);
    this.fc = new Linear(store, `${name}.mlp.c_fc`, d, 4 * d);
    this.proj = new Linear(store, `${name}.mlp.c_proj`, 4 * d, d, 0.02 / Math.sqrt(2 * config.layers));
  }

  private mlp(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const y = this.proj.apply(gelu(this.fc.apply(this.ln2.apply(x))));
    const rate = this.config.residualDropout;
    return ctx.training && rate > 0 ? tf.dropout(y, rate, undefined, ctx.nextSeed()) : y;
  }

  /** @param x [b, t, d] */
  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const h = tf.add(x, this.attn.apply(this.ln1.apply(x), ctx));
      return tf.add(h, this.mlp(h, ctx));
    });
  }

  /** One position against the cache. @param x [b, 1, d] */
  step(x: tf.Tensor, cache: KvCache, layer: number, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const h = tf.add(x, this.attn.step(this.ln1.apply(x), cache, layer, ctx));
      return tf.add(h, this.mlp(h, ctx));
    });
  }
}
