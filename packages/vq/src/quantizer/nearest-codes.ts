import * as tf from '@tensorflow/tfjs-core';

/**
 * Rows of z per block so that one block's [rows, K] distance matrix holds at
 * most `blockElements` values.
 */
export function rowsPerBlock(numCodes: number, blockElements: number): number {
  return Math.max(1, Math.floor(blockElements / Math.max(1, numCodes)));
}

function searchBlock(zb: tf.Tensor2D, codesT: tf.Tensor2D, codeNorms: tf.Tensor2D, k: number): tf.Tensor2D {
  const numCodes = codesT.shape[1];
  // ||z||^2 - 2 z.C^T + ||C||^2 with C^T materialized once (tfjs-wasm's matMul
  // with transpose flags is ~13x slower).
  let d: tf.Tensor2D = tf.add(
    tf.sub(tf.sum(tf.square(zb), 1, true), tf.mul(tf.scalar(2), tf.matMul(zb, codesT))),
    codeNorms,
  );
  const picks: tf.Tensor1D[] = [];
  for (let j = 0; j < k; j++) {
    // argMin returns the first minimum: ties go to the lowest index, on every backend.
    const idx = tf.argMin(d, 1) as tf.Tensor1D;
    picks.push(idx);
    if (j + 1 < k) {
      const picked = tf.cast(tf.oneHot(idx, numCodes), 'bool');
      d = tf.where(picked, tf.fill(d.shape, Infinity), d);
    }
  }
  return tf.stack(picks, 1) as tf.Tensor2D;
}

function search(z: tf.Tensor2D, codes: tf.Tensor2D, k: number, blockElements: number): tf.Tensor2D {
  const codesT = tf.transpose(codes) as tf.Tensor2D;
  const codeNorms = tf.reshape(tf.sum(tf.square(codes), 1), [1, codes.shape[0]]) as tf.Tensor2D;
  const n = z.shape[0];
  const rows = rowsPerBlock(codes.shape[0], blockElements);
  if (rows >= n) return searchBlock(z, codesT, codeNorms, k);
  const blocks: tf.Tensor2D[] = [];
  for (let r = 0; r < n; r += rows) {
    const size = Math.min(rows, n - r);
    blocks.push(tf.tidy(() => searchBlock(tf.slice(z, [r, 0], [size, -1]), codesT, codeNorms, k)));
  }
  return tf.concat(blocks, 0);
}

/**
 * The k nearest codes (squared L2) of every row of z, nearest first; ties go
 * to the lowest index. Computed in blocks of rows; runs inside a customGrad
 * so the search is never recorded on a gradient tape (indices carry no gradient).
 *
 * @param z [N, e]
 * @param codes [K, e]
 * @returns int32 [N, k]
 * @example const idx = nearestCodes(z, codebook, 2); // [N, 2]
 */
export function nearestCodes(z: tf.Tensor2D, codes: tf.Tensor2D, k: number, blockElements = 1 << 21): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [zz, cc] = args as [tf.Tensor, tf.Tensor];
    return {
    value: search(zz as tf.Tensor2D, cc as tf.Tensor2D, k, blockElements),
    gradFunc: () => [tf.zerosLike(zz), tf.zerosLike(cc)],
    };
  });
  return op(z, codes) as tf.Tensor2D;
}
