/**
 * A random-access set of images, already at the training size: HWC float32 in
 * [-1, 1]. `get` resolves `null` for an item that cannot be read (a corrupt
 * file): loaders skip and count it instead of failing the run.
 */
export interface ImageDataset {
  readonly size: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** A name for reports (`fashion-mnist`, `folder:/data/cats`). */
  readonly name: string;
  get(index: number): Promise<Float32Array | null>;
}

/** Where a BatchLoader is: enough to continue the same order after a restart. */
export interface DataOrderState {
  seed: number;
  epoch: number;
  /** Position inside this epoch's permutation. */
  cursor: number;
  /** Items skipped so far because they could not be read. */
  skipped: number;
}
