import * as tf from '@tensorflow/tfjs-core';
import { check, ShapeError } from '@vqct/core';
import { forwardContext, ParamStore, type ForwardContext } from '@vqct/vq';
import type { TransformerConfig, TransformerOptions } from '../config/options';
import { resolveTransformerConfig } from '../config/options';
import { sequenceLayout, type SequenceLayout } from '../sequence/layout';
import { Block } from './block';
import { KvCache } from './kv-cache';
import { LayerNorm } from './layer-norm';
import { Linear } from './linear';

const INFERENCE: ForwardContext = forwardContext(false);

/**
 * A decoder-only transformer (minGPT / taming's GPT, pre-norm) over VQCT
 * token sequences (`SequenceLayout`): token + learned position embeddings,
 * `layers` causal self-attention blocks, a final LayerNorm and two output
 * heads, one over the kNoun nouns and one over the kAdj adjectives; which one
 * applies is fixed by the position in the sequence. Owns its variables:
 * `dispose()`.
 *
 * @example
 * const model = new TokenTransformer({ tokens: { kAdj: 64, kNoun: 128, adjectives: 2, grid: [8, 8] }, layers: 2, embedding: 64 }, { seed: 1 });
 * const h = model.forward(ids, { training: false }); // ids int32 [b, t] -> [b, t, 64]
 * const logits = model.nounLogits(h); // [b, t, 128]
 * model.dispose();
 */
export class TokenTransformer {
  readonly config: TransformerConfig;
  readonly layout: SequenceLayout;
  private readonly store: ParamStore;
  private readonly tokenEmbedding: tf.Variable;
  private readonly positionEmbedding: tf.Variable;
  private readonly blocks: Block[];
  private readonly lnF: LayerNorm;
  private readonly nounHead: Linear;
  private readonly adjectiveHead: Linear;

  constructor(options: TransformerOptions | TransformerConfig, init: { seed?: number } = {}) {
    this.config = resolveTransformerConfig(options);
    this.layout = sequenceLayout(this.config);
    this.store = new ParamStore(init.seed ?? 0);
    const d = this.config.embedding;
    this.tokenEmbedding = this.store.create('wte', [this.layout.vocabularySize, d], { kind: 'normal', std: 0.02 });
    this.positionEmbedding = this.store.create('wpe', [this.config.blockSize, d], { kind: 'normal', std: 0.02 });
    this.blocks = Array.from({ length: this.config.layers }, (_, i) => new Block(this.store, `h.${i}`, this.config));
    this.lnF = new LayerNorm(this.store, 'ln_f', d);
    this.nounHead = new Linear(this.store, 'head.noun', d, this.config.tokens.kNoun);
    this.adjectiveHead = new Linear(this.store, 'head.adjective', d, Math.max(1, this.config.tokens.kAdj));
  }

  private embed(ids: tf.Tensor2D, start: number, ctx: ForwardContext): tf.Tensor {
    const t = ids.shape[1];
    const tok = tf.gather(this.tokenEmbedding, ids);
    const pos = tf.slice(this.positionEmbedding, [start, 0], [t, this.config.embedding]);
    const x = tf.add(tok, pos);
    const rate = this.config.embeddingDropout;
    return ctx.training && rate > 0 ? tf.dropout(x, rate, undefined, ctx.nextSeed()) : x;
  }

  private checkIds(ids: tf.Tensor, start: number): asserts ids is tf.Tensor2D {
    check(ids.rank === 2, () => `ids must be [b, t], got [${ids.shape.join(', ')}]`, ShapeError);
    check(ids.dtype === 'int32', () => `ids must be int32, got ${ids.dtype}`, ShapeError);
    const t = ids.shape[1] ?? 0;
    check(start + t <= this.config.blockSize, () => `positions ${start}..${start + t - 1} exceed the block size ${this.config.blockSize}`, ShapeError);
  }

  /**
   * The full causal pass: hidden states after the final LayerNorm.
   * @param ids int32 [b, t] (t <= blockSize) @returns [b, t, embedding], owned by the caller
   */
  forward(ids: tf.Tensor2D, options: { training: boolean; seed?: number } = { training: false }): tf.Tensor3D {
    this.checkIds(ids, 0);
    return tf.tidy(() => {
      const ctx = options.training ? forwardContext(true, options.seed) : INFERENCE;
      let x = this.embed(ids, 0, ctx);
      for (const block of this.blocks) x = block.apply(x, ctx);
      return this.lnF.apply(x) as tf.Tensor3D;
    });
  }

  /**
   * One new position per row against a KvCache (appended): what sampling
   * runs once per token. Inference only (no dropout).
   * @param ids int32 [b, 1] at position `cache.length` @returns [b, embedding]
   */
  step(ids: tf.Tensor2D, cache: KvCache): tf.Tensor2D {
    this.checkIds(ids, cache.length);
    const out = tf.tidy(() => {
      let x = this.embed(ids, cache.length, INFERENCE);
      this.blocks.forEach((block, i) => { x = block.step(x, cache, i, INFERENCE); });
      return tf.reshape(this.lnF.apply(x), [ids.shape[0], this.config.embedding]) as tf.Tensor2D;
    });
    cache.length += 1;
    return out;
  }

  /** A cache sized for this model. */
  createCache(): KvCache {
    return new KvCache(this.config.layers);
  }

  /** @param hidden [..., d] @returns logits over the nouns [..., kNoun] */
  nounLogits(hidden: tf.Tensor): tf.Tensor {
    return this.nounHead.apply(hidden);
  }

  /** @param hidden [..., d] @returns logits over the adjectives [..., kAdj] */
  adjectiveLogits(hidden: tf.Tensor): tf.Tensor {
    return this.adjectiveHead.apply(hidden);
  }

  trainableVariables(): tf.Variable[] {
    return this.store.trainable();
  }

  /** Every variable by stable name (`wte`, `h.0.attn.c_attn.kernel`, ...). */
  namedWeights(): Record<string, tf.Variable> {
    return this.store.named();
  }

  parameterCount(): number {
    return Object.values(this.store.named()).reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    this.store.dispose();
  }
}
