import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, NumericError } from '@vqct/core';
import { adaptiveWeightRatio } from '../losses/adaptive-weight';
import { generatorLoss, hingeDiscriminatorLoss } from '../losses/hinge';
import type { LossOptions } from '../losses/options';
import { resolveLossOptions } from '../losses/options';
import type { PatchDiscriminator } from '../losses/patch-discriminator';
import type { PerceptualDistance } from '../losses/reconstruction';
import { reconstructionLoss } from '../losses/reconstruction';
import { NamedAdam } from './adam';
import type { DataParallel } from './data-parallel';
import type { NamedWeightsOwner, StepReport, TrainStep, TrainableTokenizer } from './types';
import { usageOfTokens } from '../metrics/codebook-usage';

/** What a yielded tensor reads back as (numeric dtypes only here). */
type ReadValues = ArrayLike<number>;

export interface VqganStepOptions {
  model: TrainableTokenizer;
  /** The codebook source's weights (transfer net), checkpointed as `transfer.*`. */
  codebook?: NamedWeightsOwner;
  /** Omit to train without the GAN term (then discStart is irrelevant). */
  discriminator?: PatchDiscriminator;
  perceptual?: PerceptualDistance;
  loss?: LossOptions;
  /** Already scaled: baseLr x batch x devices. */
  learningRate: number;
  betas?: [number, number];
  epsilon?: number;
  /** Code counts per half, for the usage figure in step reports. */
  kAdj?: number;
  kNoun?: number;
  /**
   * Data-parallel workers (each runs this step on its share of the batch):
   * gradients, loss scalars and the adaptive weight's last-layer gradients are
   * averaged, EMA code statistics summed and the discriminator's BatchNorm
   * statistics taken over every worker's batch (SyncBatchNorm), so every rank
   * applies the update of the whole batch.
   */
  dataParallel?: DataParallel;
}

/** Means over the workers where there are some; else the same tensors (nothing new to dispose). */
function meanOver(dp: DataParallel | undefined, tensors: Record<string, tf.Tensor>, keep: tf.Tensor[]): Record<string, tf.Tensor> {
  if (dp == null) return tensors;
  const got = dp.mean(tensors);
  keep.push(...Object.values(got));
  return got as Record<string, tf.Tensor>;
}

function nameVariables(groups: Array<[string, Record<string, tf.Variable>]>): Map<tf.Variable, string> {
  const names = new Map<tf.Variable, string>();
  for (const [prefix, vars] of groups) {
    for (const [k, v] of Object.entries(vars)) if (!names.has(v)) names.set(v, `${prefix}.${k}`);
  }
  return names;
}

function finite(x: number): boolean {
  return Number.isFinite(x);
}

/**
 * The VQGAN step of METHOD.md §5 for `Trainer`: a generator update on
 * L_AE = mean(rec) + w * g * [step >= discStart] + codebookWeight * L_quant,
 * then (from discStart on) a discriminator update on the hinge loss, each with
 * its own Adam (betas 0.5, 0.9). The adaptive weight w needs the last layer's
 * gradient of rec and of g separately; tfjs has no partial backward like
 * `torch.autograd.grad`, so once the discriminator is on, the generator pass
 * runs twice (rec+quant, then g) and the gradients are combined as A + w * B.
 * Before discStart the discriminator is neither evaluated nor updated.
 * A non-finite loss or gradient throws NumericError before any weight changes.
 *
 * @example
 * const step = createVqganStep({ model, discriminator: disc, learningRate: 4.5e-6 * 8 });
 * const report = step.run(batch, 0, 1234);
 * // on webgl/webgpu, where synchronous read-backs stall (or fail):
 * const same = await step.runAsync(batch, 1, 1235);
 */
export function createVqganStep(options: VqganStepOptions): TrainStep {
  const { model, discriminator: disc, perceptual, codebook, dataParallel: dp } = options;
  const loss = resolveLossOptions(options.loss);
  const [beta1, beta2] = options.betas ?? [0.5, 0.9];
  const adamOptions = { learningRate: options.learningRate, beta1, beta2, epsilon: options.epsilon ?? 1e-8 };
  const names = nameVariables([
    ['model', model.namedWeights()],
    ['transfer', codebook?.namedWeights() ?? {}],
    ['disc', disc?.namedWeights() ?? {}],
  ]);
  const named = (vars: tf.Variable[], what: string): Record<string, tf.Variable> => {
    const out: Record<string, tf.Variable> = {};
    for (const v of vars) {
      const n = names.get(v);
      if (n == null) throw new ConfigError(`${what} variable "${v.name}" has no stable name (not in namedWeights()); it could not be checkpointed`);
      out[n] = v;
    }
    return out;
  };
  const genVars = named(model.trainableVariables(), 'trainable');
  const genList = Object.values(genVars);
  const lastName = names.get(model.lastLayerWeight()) ?? '';
  if (genVars[lastName] == null) throw new ConfigError('model.lastLayerWeight() is not among model.trainableVariables()');
  const optG = new NamedAdam(genVars, adamOptions);
  const discVars = disc != null ? named(disc.trainableVariables(), 'discriminator') : {};
  const optD = disc != null ? new NamedAdam(discVars, adamOptions) : undefined;

  const byName = (grads: tf.NamedTensorMap, vars: Record<string, tf.Variable>): Record<string, tf.Tensor> => {
    const out: Record<string, tf.Tensor> = {};
    for (const [n, v] of Object.entries(vars)) if (grads[v.name] != null) out[n] = grads[v.name];
    return out;
  };
  const guard = (what: string, values: Record<string, number>, step: number): void => {
    for (const [k, x] of Object.entries(values)) {
      if (!finite(x)) throw new NumericError(`${what} ${k} is ${x} at step ${step}; stopping before the update (weights and checkpoints untouched)`);
    }
  };

  // The step is written once, as a generator that yields each scalar it must read
  // back; `run` reads them synchronously, `runAsync` with `await data()` (GPU backends).
  function* steps(batch: tf.Tensor4D, step: number, seed: number): Generator<tf.Tensor, StepReport, ReadValues> {
    const discOn = disc != null && step >= loss.discStart;
    const losses: Record<string, number> = {};
    let usage: StepReport['usage'];
    // Pass A: rec + codebookWeight * quant; kept: reconstruction, scalars, tokens.
    let kept: tf.Tensor[] = [];
    const a = tf.variableGrads(() => {
      const out = model.forward(batch, { training: true, seed });
      const parts = reconstructionLoss(batch, out.reconstruction, perceptual, loss.perceptualWeight);
      kept = [tf.keep(out.reconstruction), tf.keep(parts.l1), tf.keep(out.quantLoss), tf.keep(out.tokens)];
      if (parts.perceptual != null) kept.push(tf.keep(parts.perceptual));
      return tf.add(parts.rec, tf.mul(out.quantLoss, loss.codebookWeight)) as tf.Scalar;
    }, genList);
    const [recon, tokens] = [kept[0], kept[3]];
    const scalars = meanOver(dp, { l1: kept[1], quant: kept[2], ...(kept[4] != null ? { perc: kept[4] } : {}) }, kept);
    const { l1, quant, perc } = scalars;
    let b: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
    try {
      losses.l1 = (yield l1)[0];
      losses.codebook = (yield quant)[0];
      if (perc != null) losses.perceptual = (yield perc)[0];
      losses.rec = losses.l1 + (perc != null ? loss.perceptualWeight * (losses.perceptual ?? 0) : 0);
      if (options.kAdj != null && options.kNoun != null) {
        usage = usageOfTokens(yield tokens, tokens.shape[tokens.shape.length - 1], options.kAdj, options.kNoun);
      }
      let w = 0;
      if (discOn) {
        b = tf.variableGrads(() => {
          const out = model.forward(batch, { training: true, seed });
          const g = generatorLoss(disc.apply(out.reconstruction, { sum: dp?.sum }));
          return g;
        }, genList);
        const last = model.lastLayerWeight().name;
        const global = meanOver(dp, { gan: b.value, lastA: a.grads[last], lastB: b.grads[last] }, kept);
        losses.gan = (yield global.gan)[0];
        const ratio = adaptiveWeightRatio(global.lastA, global.lastB, {
          discWeight: loss.discWeight, maxWeight: loss.maxAdaptiveWeight,
        });
        try {
          w = (yield ratio)[0] * loss.discWeight;
        } finally {
          ratio.dispose();
        }
        losses.adaptiveWeight = w;
      }
      losses.total = losses.rec + w * (losses.gan ?? 0) + loss.codebookWeight * losses.codebook;
      guard('generator loss', losses, step);
      const gradsA = byName(a.grads, genVars);
      const gradsB = b != null ? byName(b.grads, genVars) : undefined;
      const grads = tf.tidy(() => {
        const out: Record<string, tf.Tensor> = {};
        for (const [n, g] of Object.entries(gradsA)) {
          out[n] = gradsB?.[n] != null ? tf.add(g, tf.mul(gradsB[n], w)) : tf.clone(g);
        }
        // One bucketed all-reduce of the combined gradients (w is already global).
        return dp != null ? dp.mean(out) as Record<string, tf.Tensor> : out;
      });
      try {
        const sq = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
        let gn: number;
        try {
          gn = (yield sq)[0];
        } finally {
          sq.dispose();
        }
        guard('generator gradient', { norm: gn }, step);
        optG.apply(grads);
      } finally {
        tf.dispose(grads);
      }
      model.afterStep(dp?.sum);
      if (discOn && optD != null) {
        const d = tf.variableGrads(() => hingeDiscriminatorLoss(
          disc.apply(batch, { updateStats: true, sum: dp?.sum }),
          disc.apply(recon as tf.Tensor4D, { updateStats: true, sum: dp?.sum }),
        ), Object.values(discVars));
        try {
          const dGrads = byName(d.grads, discVars);
          const global = meanOver(dp, { disc: d.value, ...dGrads }, kept);
          losses.disc = (yield global.disc)[0];
          guard('discriminator loss', { disc: losses.disc }, step);
          optD.apply(dp != null ? Object.fromEntries(Object.keys(dGrads).map((n) => [n, global[n]])) : dGrads);
        } finally {
          d.value.dispose();
          tf.dispose(d.grads);
        }
      }
    } finally {
      a.value.dispose();
      tf.dispose(a.grads);
      if (b != null) {
        b.value.dispose();
        tf.dispose(b.grads);
      }
      tf.dispose(kept);
    }
    return { losses, usage };
  }

  function run(batch: tf.Tensor4D, step: number, seed: number): StepReport {
    const gen = steps(batch, step, seed);
    let r = gen.next();
    while (!r.done) {
      let values: ReadValues;
      try {
        values = r.value.dataSync() as ArrayLike<number>;
      } catch (e) {
        r = gen.throw(e); // runs the step's clean-up, then rethrows
        continue;
      }
      r = gen.next(values);
    }
    return r.value;
  }

  async function runAsync(batch: tf.Tensor4D, step: number, seed: number): Promise<StepReport> {
    const gen = steps(batch, step, seed);
    let r = gen.next();
    while (!r.done) {
      let values: ReadValues;
      try {
        values = (await r.value.data()) as ArrayLike<number>;
      } catch (e) {
        r = gen.throw(e);
        continue;
      }
      r = gen.next(values);
    }
    return r.value;
  }

  return {
    run,
    runAsync,
    sample(batch) {
      return tf.tidy(() => {
        const out = model.forward(batch, { training: false });
        tf.dispose([out.quantLoss, out.tokens]);
        return out.reconstruction;
      });
    },
    state() {
      const out: Record<string, tf.Variable> = {};
      for (const [v, n] of names) out[n] = v;
      for (const [k, v] of Object.entries(optG.namedWeights())) out[`opt.g.${k}`] = v;
      if (optD != null) for (const [k, v] of Object.entries(optD.namedWeights())) out[`opt.d.${k}`] = v;
      return out;
    },
    restored() {
      codebook?.invalidate?.();
    },
    dispose() {
      optG.dispose();
      optD?.dispose();
    },
  };
}
