import { InputError, ShapeError } from '@vqct/core';
import type { ImageDataset } from '@vqct/vq';
import { conditionPrefix, gridsToSequences, unconditionalPrefix, type Condition, type SequenceLayout } from '../sequence/layout';

/**
 * Whole sequences (prefix + image tokens, ids of the layout) held in memory,
 * shaped as a 1 x (P + L) x 1 "image" so the @vqct/vq `BatchLoader` and
 * `Trainer` run over them unchanged (seeded order, exact resume).
 *
 * @example
 * const ds = TokenSequenceDataset.fromGrids(layout, tokens, (i) => ({ kind: 'class', label: labels[i] }));
 * const loader = new BatchLoader(ds, { batchSize: 16, seed: 1 }); // batches [16, 1, P + L, 1]
 */
export class TokenSequenceDataset implements ImageDataset {
  readonly size: number;
  readonly height = 1;
  readonly width: number;
  readonly channels = 1;

  constructor(readonly layout: SequenceLayout, readonly sequences: Float32Array, readonly name = 'tokens') {
    this.width = layout.prefixLength + layout.imageLength;
    if (sequences.length % this.width !== 0) throw new ShapeError(`dataset "${name}": ${sequences.length} ids is not a multiple of the sequence length ${this.width}`);
    this.size = sequences.length / this.width;
  }

  /**
   * @param grids tokenizer ids of [n, h, w, k+1] (what `VqModel.encode` returns, read back)
   * @param condition the condition of item i
   */
  static fromGrids(layout: SequenceLayout, grids: ArrayLike<number>, condition: (i: number) => Condition, name = 'tokens'): TokenSequenceDataset {
    const L = layout.imageLength;
    if (grids.length === 0) throw new InputError(`dataset "${name}" has no token grids`);
    const image = gridsToSequences(layout, grids);
    const n = image.length / L;
    const S = layout.prefixLength + L;
    const out = new Float32Array(n * S);
    for (let i = 0; i < n; i++) {
      out.set(conditionPrefix(layout, condition(i)), i * S);
      out.set(image.subarray(i * L, (i + 1) * L), i * S + layout.prefixLength);
    }
    return new TokenSequenceDataset(layout, out, name);
  }

  async get(index: number): Promise<Float32Array | null> {
    return this.sequences.slice(index * this.width, (index + 1) * this.width);
  }

  /**
   * The same sequences with every prefix replaced by `unconditionalPrefix`: the
   * model's held-out bits without its condition (what condition dropout trained).
   *
   * @example const blank = heldOut.withoutCondition(); await heldOutBits(model, blank);
   */
  withoutCondition(name = `${this.name}:unconditioned`): TokenSequenceDataset {
    const out = this.sequences.slice();
    const prefix = unconditionalPrefix(this.layout);
    for (let i = 0; i < this.size; i++) out.set(prefix, i * this.width);
    return new TokenSequenceDataset(this.layout, out, name);
  }

  /** Items [start, end) as a new dataset (a held-out split). */
  slice(start: number, end: number, name = `${this.name}[${start}:${end}]`): TokenSequenceDataset {
    return new TokenSequenceDataset(this.layout, this.sequences.slice(start * this.width, end * this.width), name);
  }
}
