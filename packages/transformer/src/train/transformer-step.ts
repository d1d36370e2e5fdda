import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, NumericError } from '@vqct/core';
import { NamedAdam, type StepReport, type TrainStep } from '@vqct/vq';
import type { TokenTransformer } from '../model/token-transformer';
import { dropConditions } from './condition-dropout';
import { sequenceNll } from './sequence-loss';

export interface TransformerStepOptions {
  model: TokenTransformer;
  learningRate: number;
  /** taming's GPT: (0.9, 0.95). */
  betas?: [number, number];
  epsilon?: number;
  /**
   * Condition dropout: each sequence's condition is replaced by the
   * unconditional prefix with this probability (seeded by the step), so
   * `sampleTokens({ guidance })` can use classifier-free guidance. Default 0.
   */
  conditionDropout?: number;
}

/**
 * Batches from a `TokenSequenceDataset` come as float32 [b, 1, P + L, 1]
 * (the @vqct/vq BatchLoader's image shape); ids are exact in float32.
 */
function batchIds(batch: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.reshape(batch, [batch.shape[0], batch.shape[2]]), 'int32') as tf.Tensor2D);
}

/**
 * One cross-entropy + Adam step of a TokenTransformer, as a @vqct/vq
 * `TrainStep`, so the vq `Trainer` runs it (events, checkpoints, exact
 * resume). Losses are nats per image token: `total`, `noun`, `adjective`
 * (per token of that kind), and `bitsPerToken`. `state()`: `model.*` and
 * `opt.*` (Adam's m, v, t). A non-finite loss throws NumericError before
 * the update.
 *
 * @example
 * const step = createTransformerStep({ model, learningRate: 3e-4 });
 * const trainer = new Trainer(step, new BatchLoader(dataset, { batchSize: 16, seed: 1 }), { steps: 500, seed: 1, checkpointEvery: 100, sampleEvery: 0, sampleCount: 0 });
 */
export function createTransformerStep(o: TransformerStepOptions): TrainStep {
  // Checked before Adam allocates its state, so a bad value leaves nothing behind.
  const dropRate = o.conditionDropout ?? 0;
  if (!(dropRate >= 0 && dropRate < 1)) throw new ConfigError(`conditionDropout must be in [0, 1), got ${dropRate}`);
  const { model } = o;
  const named = model.namedWeights();
  const variables: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(named)) variables[`model.${k}`] = v;
  const [beta1, beta2] = o.betas ?? [0.9, 0.95];
  const opt = new NamedAdam(variables, { learningRate: o.learningRate, beta1, beta2, epsilon: o.epsilon ?? 1e-8 });
  const { tokens } = model.layout;
  const perPosition = tokens.adjectives + 1;

  function forwardBackward(batch: tf.Tensor4D, seed: number) {
    const read = batchIds(batch);
    const ids = dropConditions(read, model.layout, dropRate, seed);
    read.dispose();
    try {
      let parts: [tf.Scalar, tf.Scalar] | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const nll = sequenceNll(model, ids, { training: true, seed });
        parts = [tf.keep(tf.div(nll.noun, nll.count / perPosition)), tf.keep(tf.div(nll.adjective, Math.max(1, (nll.count / perPosition) * tokens.adjectives)))];
        return tf.div(tf.add(nll.noun, nll.adjective), nll.count) as tf.Scalar;
      }, model.trainableVariables());
      const [noun, adjective] = parts as unknown as [tf.Scalar, tf.Scalar];
      const read = tf.tidy(() => tf.stack([value, noun, adjective]));
      tf.dispose([value, noun, adjective]);
      return { read, grads };
    } finally {
      ids.dispose();
    }
  }

  function finish(values: ArrayLike<number>, grads: tf.NamedTensorMap, step: number): StepReport {
    try {
      const [total, noun, adjective] = Array.from(values);
      if (!Number.isFinite(total)) throw new NumericError(`loss is ${total} at step ${step}; stopping before the update (weights and checkpoints untouched)`);
      const byName: Record<string, tf.Tensor> = {};
      const names = new Map(Object.entries(variables).map(([n, v]) => [v.name, n]));
      for (const [vname, g] of Object.entries(grads)) {
        const n = names.get(vname);
        if (n != null) byName[n] = g;
      }
      opt.apply(byName);
      return { losses: { total, noun, adjective, bitsPerToken: total / Math.LN2 } };
    } finally {
      tf.dispose(grads);
    }
  }

  return {
    run(batch, step, seed) {
      const { read, grads } = forwardBackward(batch, seed);
      let values: ArrayLike<number>;
      try {
        values = read.dataSync();
      } finally {
        read.dispose();
      }
      return finish(values, grads, step);
    },
    async runAsync(batch, step, seed) {
      const { read, grads } = forwardBackward(batch, seed);
      let values: ArrayLike<number>;
      try {
        values = await read.data();
      } finally {
        read.dispose();
      }
      return finish(values, grads, step);
    },
    /** Teacher-forced argmax predictions of the noun of each position, as a [b, h, w, 1] map (no image: a transformer has none to show). */
    sample(batch) {
      return tf.tidy(() => {
        const ids = batchIds(batch);
        const { prefixLength: P, imageLength: L } = model.layout;
        const hidden = model.forward(tf.slice(ids, [0, 0], [ids.shape[0], P + L - 1]));
        const img = tf.reshape(tf.slice(hidden, [0, P - 1, 0], [ids.shape[0], L, model.config.embedding]), [ids.shape[0], tokens.grid[0], tokens.grid[1], perPosition, model.config.embedding]);
        const nounH = tf.squeeze(tf.slice(img, [0, 0, 0, 0, 0], [-1, -1, -1, 1, -1]), [3]);
        return tf.expandDims(tf.cast(tf.argMax(model.nounLogits(nounH), -1), 'float32'), -1) as tf.Tensor4D;
      });
    },
    state() {
      const out: Record<string, tf.Variable> = { ...variables };
      for (const [k, v] of Object.entries(opt.namedWeights())) out[`opt.${k}`] = v;
      return out;
    },
    restored() {},
    dispose() {
      opt.dispose();
    },
  };
}
