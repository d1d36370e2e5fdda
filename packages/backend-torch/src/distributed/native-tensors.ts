import * as tf from '@tensorflow/tfjs-core';
import { TorchBackend } from '../backend';
import { DistributedError } from './errors';

/** The torch backend that holds tfjs's tensors now (collectives run on its native tensors). */
export function activeTorchBackend(what: string): TorchBackend {
  const b = tf.backend();
  if (!(b instanceof TorchBackend)) {
    throw new DistributedError(`${what} needs the torch backend (tf.getBackend() is "${tf.getBackend()}"): distributed training runs on libtorch's c10d`);
  }
  return b;
}

/** Native table ids of tfjs tensors (their own data, moved to the torch backend if elsewhere). */
export function nativeIds(b: TorchBackend, tensors: readonly tf.Tensor[]): number[] {
  return tensors.map((t) => {
    if (t.isDisposed) throw new DistributedError(`a tensor [${t.shape}] passed to a collective was already disposed`);
    return b.data.get(t.dataId)!.id;
  });
}

/**
 * New tfjs tensors over native results, one per input, with the inputs' shapes
 * and dtypes (tracked in the current tidy scope; the caller owns them).
 */
export function wrapNative(b: TorchBackend, ids: readonly number[], like: readonly tf.Tensor[]): tf.Tensor[] {
  return ids.map((id, i) => {
    const src = b.data.get(like[i].dataId)!;
    const dataId = {};
    b.data.set(dataId, { id, shape: [...src.shape], dtype: like[i].dtype, refCount: 1 });
    return tf.engine().makeTensorFromDataId(dataId, [...like[i].shape], like[i].dtype, b);
  });
}
