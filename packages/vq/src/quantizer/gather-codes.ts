import * as tf from '@tensorflow/tfjs-core';
import { rowsPerBlock } from './nearest-codes';
import { oneHotFloat } from './one-hot';

function meanOfRows(codes: tf.Tensor2D, idx: tf.Tensor2D): tf.Tensor2D {
  const k = idx.shape[1];
  if (k === 1) return tf.gather(codes, tf.reshape(idx, [idx.shape[0]]));
  return tf.mean(tf.gather(codes, idx), 1);
}

/** dC = M^T dq with M[n, c] = (times code c was picked for row n) / k, in row blocks. */
function scatterGrad(dq: tf.Tensor2D, idx: tf.Tensor2D, numCodes: number, blockElements: number): tf.Tensor2D {
  const [n, k] = idx.shape;
  const rows = rowsPerBlock(numCodes, blockElements);
  let total: tf.Tensor2D | null = null;
  for (let r = 0; r < n; r += rows) {
    const size = Math.min(rows, n - r);
    const part = tf.tidy(() => {
      const ib = tf.slice(idx, [r, 0], [size, k]);
      let m: tf.Tensor2D = tf.sum(oneHotFloat(ib, numCodes), 1);
      if (k > 1) m = tf.div(m, tf.scalar(k));
      // Transposed operand materialized: no transpose flags (slow on wasm).
      return tf.matMul(tf.transpose(m), tf.slice(dq, [r, 0], [size, -1])) as tf.Tensor2D;
    });
    if (total == null) total = part;
    else {
      const next: tf.Tensor2D = tf.add(total, part);
      total.dispose();
      part.dispose();
      total = next;
    }
  }
  return total ?? tf.zeros([numCodes, dq.shape[1]]);
}

/**
 * q[n] = mean over j of codes[idx[n, j]]: the quantized vectors. Differentiable
 * with respect to the codes (every picked code receives its share of the
 * gradient); the decode-from-tokens path uses this same function, which is
 * what makes the token round trip exact.
 *
 * @param codes [K, e]
 * @param idx int32 [N, k]
 * @returns [N, e]
 * @example const q = gatherCodes(adjectiveCodes, nearestCodes(z, adjectiveCodes, 2));
 */
export function gatherCodes(codes: tf.Tensor2D, idx: tf.Tensor2D, blockElements = 1 << 21): tf.Tensor2D {
  const numCodes = codes.shape[0];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [cc, ii, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([ii]);
    return {
      value: meanOfRows(cc as tf.Tensor2D, ii as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        scatterGrad(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, numCodes, blockElements),
        tf.zeros(saved[0].shape, 'float32'),
      ],
    };
  });
  return op(codes, idx) as tf.Tensor2D;
}
