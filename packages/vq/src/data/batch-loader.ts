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

  /**
   * `shard` (data-parallel): every rank walks the same order in global batches of
   * batchSize x worldSize and takes its slice (rank r: positions r x batchSize ..),
   * so W workers x batch b see exactly the images of 1 worker x batch W x b, and
   * `state()` is the same on every rank.
   */
  constructor(readonly dataset: ImageDataset, readonly options: { batchSize: number; seed?: number; state?: DataOrderState; shard?: Shard }) {
    if (dataset.size === 0) throw new InputError(`dataset "${dataset.name}" is empty`);
    this.s = options.state != null ? { ...options.state } : { seed: options.seed ?? 0, epoch: 0, cursor: 0, skipped: 0 };
    this.order = epochOrder(dataset.size, this.s.seed, this.s.epoch);
  }

  state(): DataOrderState {
    return { ...this.s };
  }

  /** Next batch of `batchSize` images, crossing epoch boundaries as needed. */
  async next(): Promise<tf.Tensor4D> {
    const shard = this.options.shard;
    if (shard != null && shard.worldSize > 1) return this.nextShard(shard);
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

  /** The order positions of the next global batch (the cursor moves the same on every rank). */
  private takePositions(n: number): number[] {
    const items: number[] = [];
    while (items.length < n) {
      if (this.s.cursor >= this.order.length) {
        this.s.epoch += 1;
        this.s.cursor = 0;
        this.order = epochOrder(this.dataset.size, this.s.seed, this.s.epoch);
      }
      items.push(this.order[this.s.cursor]);
      this.s.cursor += 1;
    }
    return items;
  }

  /**
   * This rank's slice of the next global batch. An unreadable item is counted and
   * its slot filled with a readable one of the same slice (other ranks cannot
   * know about it, so the global cursor must not move differently).
   */
  private async nextShard(shard: Shard): Promise<tf.Tensor4D> {
    const { height, width, channels } = this.dataset;
    const per = height * width * channels;
    const { batchSize } = this.options;
    const mine = this.takePositions(batchSize * shard.worldSize).slice(shard.rank * batchSize, (shard.rank + 1) * batchSize);
    const items = await Promise.all(mine.map((i) => this.dataset.get(i)));
    const readable = items.filter((x): x is Float32Array => x != null);
    this.s.skipped += items.length - readable.length;
    if (readable.length === 0) throw new InputError(`rank ${shard.rank}: none of the ${batchSize} images of its share of a batch of dataset "${this.dataset.name}" could be read`);
    const readableAt = mine.filter((_, j) => items[j] != null);
    const out = new Float32Array(batchSize * per);
    const indices: number[] = [];
    for (let j = 0; j < batchSize; j++) {
      out.set(items[j] ?? readable[j % readable.length], j * per);
      indices.push(items[j] != null ? mine[j] : readableAt[j % readable.length]);
    }
    const batch = tf.tensor4d(out, [batchSize, height, width, channels]);
    itemsOf.set(batch, indices);
    return batch;
  }
}

/** Which slice of each global batch a data-parallel rank reads. */
export interface Shard {
  rank: number;
  worldSize: number;
}
