import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import type { TrainableTokenizer, VqModel, WordGrounding } from '@vqct/vq';
import { captionLexicon, groundWords } from '@vqct/vq';
import { captionedBatches } from '../captioned-batches';
import { emojiSplitSource, openDataset, type DataOptions } from '../data';
import { scoreWords } from './word-scores';

/** code -> the word the grounding gave that code (the inverse of each half's permutation). */
function inverse(codes: Int32Array): tf.Tensor1D {
  const words = new Int32Array(codes.length);
  codes.forEach((code, w) => (words[code] = w));
  return tf.tensor1d(words, 'int32');
}

/**
 * A model whose tokens say the words of a word table: every code is reported as the
 * word `grounding` gave it, so caption recall over these tokens measures the table
 * (for any quantizer: a learned VQ's codes labelled after training). Reconstructions
 * are the model's own. Call `dispose()` to free the table (not the model).
 */
export function withWordTable(model: Pick<TrainableTokenizer, 'forward'>, grounding: Pick<WordGrounding, 'adjective' | 'noun'>): Pick<TrainableTokenizer, 'forward'> & { dispose(): void } {
  const adjective = inverse(grounding.adjective);
  const noun = inverse(grounding.noun);
  return {
    forward(x, options) {
      const out = model.forward(x, options);
      const tokens = tf.tidy(() => {
        const k = out.tokens.shape[out.tokens.shape.length - 1] - 1;
        if (k === 0) return tf.gather(noun, out.tokens);
        const [adj, nn] = tf.split(out.tokens, [k, 1], -1);
        return tf.concat([tf.gather(adjective, adj), tf.gather(noun, nn)], -1);
      });
      out.tokens.dispose();
      return { ...out, tokens };
    },
    dispose() {
      tf.dispose([adjective, noun]);
    },
  };
}

/**
 * The best one-to-one word table for a model's codes (`groundWords`), fit on the whole
 * training split of an emoji `source`, with `prior`'s words (any quantizer; the
 * halves must match the model's).
 */
export async function fitWordTable(model: VqModel, prior: Prior, source: string, data: Omit<DataOptions, 'source' | 'emojiSplit'>, batchSize: number): Promise<WordGrounding> {
  if (prior.kAdj !== model.config.kAdj || prior.kNoun !== model.config.kNoun) {
    throw new ConfigError(`--word-table: the prior has ${prior.kAdj} + ${prior.kNoun} words, the model ${model.config.kAdj} + ${model.config.kNoun} codes`);
  }
  const train = emojiSplitSource(source, 'train');
  if (train == null) throw new ConfigError(`--word-table needs captioned emoji data (its training split fits the table); --data ${source} is not emoji`);
  const ds = await openDataset({ ...data, source: train });
  const scores = await scoreWords(model, captionedBatches(ds, batchSize), captionLexicon(prior), 5);
  return groundWords(scores.result());
}
