import * as tf from '@tensorflow/tfjs-core';
import type { KvCache } from '../model/kv-cache';
import type { TokenTransformer } from '../model/token-transformer';
import { sequencesToGrids, type SequenceLayout } from '../sequence/layout';

/**
 * The ids of a sampling batch: `count` samples, then (with guidance) as many
 * unconditional twins that receive the same image tokens; each row is a
 * prefix of P ids and L image ids, filled in as sampling goes.
 */
export class SequenceBatch {
  readonly rows: number;
  private readonly ids: Int32Array;
  private readonly P: number;
  private readonly S: number;

  constructor(readonly layout: SequenceLayout, readonly count: number, prefixes: Int32Array[]) {
    this.rows = prefixes.length;
    this.P = layout.prefixLength;
    this.S = this.P + layout.imageLength;
    this.ids = new Int32Array(this.rows * this.S);
    prefixes.forEach((p, i) => this.ids.set(p, i * this.S));
  }

  /** Sets image token j (a global id) of sample i and of its twin. */
  set(i: number, j: number, id: number): void {
    this.ids[i * this.S + this.P + j] = id;
    if (this.rows > this.count) this.ids[(this.count + i) * this.S + this.P + j] = id;
  }

  /**
   * The hidden state after the first `t` ids of every row, [rows, embedding]:
   * with a cache, one pass over id t - 1 (the earlier ones must have been fed
   * in order); without, a pass over all t. The caller disposes it.
   */
  hiddenAfter(model: TokenTransformer, t: number, cache: KvCache | null): tf.Tensor2D {
    const { rows, S, ids } = this;
    return tf.tidy(() => {
      if (cache != null) {
        const col = new Int32Array(rows);
        for (let i = 0; i < rows; i++) col[i] = ids[i * S + t - 1];
        return model.step(tf.tensor2d(col, [rows, 1], 'int32'), cache);
      }
      const lead = new Int32Array(rows * t);
      for (let i = 0; i < rows; i++) lead.set(ids.subarray(i * S, i * S + t), i * t);
      const h = model.forward(tf.tensor2d(lead, [rows, t], 'int32'));
      const d = model.config.embedding;
      return tf.reshape(tf.slice(h, [0, t - 1, 0], [rows, 1, d]), [rows, d]) as tf.Tensor2D;
    });
  }

  /** The samples' image parts as tokenizer-id grids [count, h, w, k+1] (a copy; unsampled positions mean nothing). */
  grids(): Int32Array {
    const L = this.layout.imageLength;
    const image = new Int32Array(this.count * L);
    for (let i = 0; i < this.count; i++) image.set(this.ids.subarray(i * this.S + this.P, (i + 1) * this.S), i * L);
    return sequencesToGrids(this.layout, image);
  }
}
