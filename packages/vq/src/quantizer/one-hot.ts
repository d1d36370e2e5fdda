import * as tf from '@tensorflow/tfjs-core';

/**
 * float32 one-hot of int32 indices. Built as an int32 one-hot and cast:
 * tfjs-wasm 4.22's OneHot with dtype 'float32' writes integer bit patterns
 * (1 comes out as 1.4e-45).
 * @param indices int32 [...]
 * @returns float32 [..., depth]
 */
export function oneHotFloat(indices: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.oneHot(indices, depth), 'float32'));
}
