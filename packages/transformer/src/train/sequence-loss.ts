import * as tf from '@tensorflow/tfjs-core';
import { check, ShapeError } from '@vqct/core';
import type { TokenTransformer } from '../model/token-transformer';

/** Summed negative log-likelihoods (nats) of a batch's image tokens, by kind; scalars owned by the caller. */
export interface SequenceNll {
  noun: tf.Scalar;
  adjective: tf.Scalar;
  /** Image tokens scored: b * h * w * (k + 1). */
  count: number;
}

/** Per-row -log softmax(logits)[target]. @param logits [n, c] @param targets int32 [n] @returns [n] */
export function crossEntropyRows(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, c] = logits.shape;
    // logSoftmax has its own gradient (tf.logSumExp's goes through an [n, c] Equal for
    // the max); the target entries by a gather on the flat result, no [n, c] one-hot.
    const flat = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(c, 'int32')), targets);
    return tf.neg(tf.gather(tf.reshape(tf.logSoftmax(logits), [n * c]), flat)) as tf.Tensor1D;
  });
}

/**
 * Teacher-forced NLL of whole sequences: the model reads ids[:, :-1] and each
 * image token is scored by its own head (nouns against the kNoun nouns,
 * adjectives against the kAdj adjectives); prefix tokens are not scored.
 * @param ids int32 [b, P + L]
 */
export function sequenceNll(model: TokenTransformer, ids: tf.Tensor2D, options: { training: boolean; seed?: number }): SequenceNll {
  const { prefixLength: P, imageLength: L, tokens } = model.layout;
  const [b, s] = ids.shape;
  check(s === P + L, () => `sequences must be ${P + L} long (prefix ${P} + ${L} image tokens), got ${s}`, ShapeError);
  const hw = tokens.grid[0] * tokens.grid[1];
  const k = tokens.adjectives;
  const d = model.config.embedding;
  return tf.tidy(() => {
    const hidden = model.forward(tf.slice(ids, [0, 0], [b, s - 1]), options);
    const img = tf.reshape(tf.slice(hidden, [0, P - 1, 0], [b, L, d]), [b, hw, k + 1, d]);
    const targets = tf.reshape(tf.slice(ids, [0, P], [b, L]), [b, hw, k + 1]);
    const nounH = tf.reshape(tf.slice(img, [0, 0, 0, 0], [b, hw, 1, d]), [b * hw, d]);
    const nounT = tf.sub(tf.reshape(tf.slice(targets, [0, 0, 0], [b, hw, 1]), [b * hw]), tf.scalar(tokens.kAdj, 'int32'));
    const noun = tf.sum(crossEntropyRows(model.nounLogits(nounH) as tf.Tensor2D, nounT as tf.Tensor1D)) as tf.Scalar;
    let adjective = tf.scalar(0);
    if (k > 0) {
      const adjH = tf.reshape(tf.slice(img, [0, 0, 1, 0], [b, hw, k, d]), [b * hw * k, d]);
      const adjT = tf.reshape(tf.slice(targets, [0, 0, 1], [b, hw, k]), [b * hw * k]);
      adjective = tf.sum(crossEntropyRows(model.adjectiveLogits(adjH) as tf.Tensor2D, adjT as tf.Tensor1D)) as tf.Scalar;
    }
    return { noun, adjective, count: b * L };
  });
}
