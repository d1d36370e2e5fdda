import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import { unconditionalPrefix, type SequenceLayout } from '../sequence/layout';

/** Mixes the step's seed so that the rows dropped do not follow the dropout masks of the same seed. */
const SALT = 0x5bd1e995;

/**
 * Which rows of a batch lose their condition: each row independently with
 * probability `rate`, drawn on the CPU from `seed` (a pure function of the
 * seed, so a resumed run drops the same rows).
 *
 * @example droppedRows(16, 0.1, 7); // e.g. [false, false, true, ...]
 */
export function droppedRows(rows: number, rate: number, seed: number): boolean[] {
  const rng = new Rng((seed ^ SALT) >>> 0);
  return Array.from({ length: rows }, () => rng.next() < rate);
}

/**
 * Condition dropout (classifier-free guidance's training half): the prefix of
 * each dropped row is replaced by `unconditionalPrefix(layout)`, so one model
 * learns p(x | c) and p(x) and `sampleTokens({ guidance })` can mix them. The
 * image tokens are untouched. A layout without a condition, or rate 0,
 * returns a clone.
 *
 * @param ids int32 [b, P + L]
 * @returns int32 [b, P + L], owned by the caller
 * @example const dropped = dropConditions(ids, model.layout, 0.1, seed);
 */
export function dropConditions(ids: tf.Tensor2D, layout: SequenceLayout, rate: number, seed: number): tf.Tensor2D {
  if (rate <= 0 || layout.condition.kind === 'none') return tf.clone(ids);
  const [b, s] = ids.shape;
  const P = layout.prefixLength;
  const drop = droppedRows(b, rate, seed);
  if (!drop.includes(true)) return tf.clone(ids);
  return tf.tidy(() => {
    const mask = tf.tensor2d(drop.map((d) => (d ? 1 : 0)), [b, 1], 'bool');
    const prefix = tf.slice(ids, [0, 0], [b, P]);
    const blank = tf.broadcastTo(tf.tensor2d(unconditionalPrefix(layout), [1, P], 'int32'), [b, P]);
    const kept = tf.where(tf.broadcastTo(mask, [b, P]), blank, prefix);
    return tf.concat([kept, tf.slice(ids, [0, P], [b, s - P])], 1) as tf.Tensor2D;
  });
}
