import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums named tensors over the data-parallel workers: new tensors with the same
 * names and shapes (the caller disposes them), identical on every rank.
 */
export type TensorSum = (tensors: tf.NamedTensorMap) => tf.NamedTensorMap;

/**
 * How data-parallel workers combine what each computed. @vqct/vq owns this
 * contract and never imports a backend; apps build it from a c10d process group
 * (@vqct/backend-torch's `ProcessGroup`, apps/cli's `vqct train` workers).
 * Calls are synchronous collectives: every rank must make the same calls in the
 * same order, and a failure (a peer died) throws on every rank.
 */
export interface DataParallel {
  readonly rank: number;
  readonly worldSize: number;
  /** Means over ranks (gradients, loss scalars): new tensors, the caller disposes. */
  mean(tensors: tf.NamedTensorMap): tf.NamedTensorMap;
  /** Sums over ranks (EMA code statistics). */
  sum: TensorSum;
  /** Rank 0's values on every rank: new tensors, the caller disposes. */
  broadcast(tensors: tf.NamedTensorMap): tf.NamedTensorMap;
}

/**
 * Gives every rank rank 0's variables (weights, optimizer moments, buffers):
 * the start of a data-parallel run, and after a resume from rank 0's checkpoint.
 *
 * @example
 * syncFromRankZero(step.state(), dataParallel);
 * step.restored();
 */
export function syncFromRankZero(vars: Record<string, tf.Variable>, dp: DataParallel): void {
  const got = dp.broadcast(vars);
  for (const [name, v] of Object.entries(vars)) v.assign(got[name]);
  tf.dispose(Object.values(got));
}
