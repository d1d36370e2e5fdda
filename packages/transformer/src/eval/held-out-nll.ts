import * as tf from '@tensorflow/tfjs-core';
import type { TokenTransformer } from '../model/token-transformer';
import { sequenceNll } from '../train/sequence-loss';
import type { TokenSequenceDataset } from '../train/token-sequence-dataset';

/** Negative log-likelihood in bits per image token: all tokens, and per kind. */
export interface BitsPerToken {
  bitsPerToken: number;
  noun: number;
  adjective: number;
  /** Image tokens scored. */
  tokens: number;
}

/**
 * Teacher-forced held-out NLL of a TokenTransformer in bits per image token
 * (prefix tokens are not scored), in batches; frees everything it makes.
 *
 * @example
 * const { bitsPerToken } = await heldOutBits(model, heldOut, { batchSize: 32 });
 */
export async function heldOutBits(model: TokenTransformer, data: TokenSequenceDataset, options: { batchSize?: number } = {}): Promise<BitsPerToken> {
  const batch = options.batchSize ?? 32;
  const S = data.width;
  const k = model.layout.tokens.adjectives;
  let noun = 0;
  let adjective = 0;
  let count = 0;
  for (let start = 0; start < data.size; start += batch) {
    const n = Math.min(batch, data.size - start);
    const ids = Int32Array.from(data.sequences.subarray(start * S, (start + n) * S));
    const sums = tf.tidy(() => {
      const nll = sequenceNll(model, tf.tensor2d(ids, [n, S], 'int32'), { training: false });
      return tf.stack([nll.noun, nll.adjective]);
    });
    const [a, b] = await sums.data();
    sums.dispose();
    noun += a;
    adjective += b;
    count += n * model.layout.imageLength;
  }
  const positions = count / (k + 1);
  return {
    bitsPerToken: (noun + adjective) / count / Math.LN2,
    noun: noun / positions / Math.LN2,
    adjective: k > 0 ? adjective / (positions * k) / Math.LN2 : 0,
    tokens: count,
  };
}
