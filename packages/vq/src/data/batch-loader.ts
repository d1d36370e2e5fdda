import * as tf from '@tensorflow/tfjs-core';
import { InputError, Rng } from '@vqct/core';
import type { DataOrderState, ImageDataset } from './types';

/** The permutation of epoch `epoch`: a pure function of (seed, epoch), so resuming needs only the cursor. */
export function epochOrder(size: number, seed: number, epoch: number): number[] {
  const rng = new Rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0);
  return rng.shuffle(Array.from({ length: size }, (_, i) => i));
}

/** The dataset indices of each batch a BatchLoader made (so a loss can look up captions). */
const itemsOf = new WeakMap<tf.Tensor, readonly number[]>();

/**
 * The dataset indices of the images of `batch`, in batch order, when a
 * BatchLoader made it; undefined otherwise.
 * @example const captions = batchIndices(batch)?.map((i) => ds.caption(i));
 */
export function batchIndices(batch: tf.Tensor): readonly number[] | undefined {
  return itemsOf.get(batch);
}

/**
 * Batches in a seeded order, epoch after epoch, with resumable `state()`.
 * Unreadable items are skipped and counted (`state().skipped`); a dataset in
 * which nothing can be read fails with InputError instead of looping forever.
 *
 * @example
 * const loader = new BatchLoader(ds, { batchSize: 8, seed: 1 });
 * const x = await loader.next(); // tf.Tensor4D [8, h, w, c]; the caller disposes
 * const saved = loader.state(); // later: new BatchLoader(ds, { batchSize: 8, state: saved })
 */
export class BatchLoader {
  private s: DataOrderState;
  private order: number[];

  constructor(readonly dataset: ImageDataset, readonly options: { batchSize: number; seed?: number; state?: DataOrderState }) {
    if (dataset.size === 0) throw new InputError(`dataset "${dataset.name}" is empty`);
    this.s = options.state != null ? { ...options.state } : { seed: options.seed ?? 0, epoch: 0, cursor: 0, skipped: 0 };
    this.order = epochOrder(dataset.size, this.s.seed, this.s.epoch);
  }

  state(): DataOrderState {
    return { ...this.s };
  }

  /** Next batch of `batchSize` images, crossing epoch boundaries as needed. */
  async next(): Promise<tf.Tensor4D> {
    const { height, width, channels } = this.dataset;
    const per = height * width * channels;
    const { batchSize } = this.options;
    const out = new Float32Array(batchSize * per);
    let filled = 0;
    let failuresInRow = 0;
    const indices: number[] = [];
    while (filled < batchSize) {
      if (this.s.cursor >= this.order.length) {
        this.s.epoch += 1;
        this.s.cursor = 0;
        this.order = epochOrder(this.dataset.size, this.s.seed, this.s.epoch);
      }
      const index = this.order[this.s.cursor];
      const item = await this.dataset.get(index);
      this.s.cursor += 1;
      if (item == null) {
        this.s.skipped += 1;
        failuresInRow += 1;
        if (failuresInRow > this.dataset.size) throw new InputError(`no image of dataset "${this.dataset.name}" could be read`);
        continue;
      }
      failuresInRow = 0;
      out.set(item, filled * per);
      indices.push(index);
      filled += 1;
    }
    const batch = tf.tensor4d(out, [batchSize, height, width, channels]);
    itemsOf.set(batch, indices);
    return batch;
  }
}
